/* The shared option parser (see args.h). */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

void cli_args_init(cli_args *a, const char *cmd, int argc, char **argv, const cli_opt *t1,
                   const cli_opt *t2)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->argc = argc;
    a->argv = argv;
    a->i = 1;
    cli_args_add(a, t1);
    cli_args_add(a, t2);
}

void cli_args_add(cli_args *a, const cli_opt *t)
{
    for (int k = 0; t && k < CLI_ARG_TABLES; k++) {
        if (!a->tables[k]) {
            a->tables[k] = t;
            return;
        }
    }
}

/* The option named by s[0..n) (long) or by letter (short, n == 0). */
static const cli_opt *find(const cli_args *a, const char *s, size_t n, char letter)
{
    for (int k = 0; k < CLI_ARG_TABLES && a->tables[k]; k++)
        for (const cli_opt *o = a->tables[k]; o->name; o++)
            if (n ? strlen(o->name) == n && !strncmp(o->name, s, n) : letter && o->letter == letter)
                return o;
    return NULL;
}

static int usage_error(const cli_args *a, const char *why)
{
    cli_error("%s: %s %s (see 'giflow %s --help')", a->cmd, a->opt, why, a->cmd);
    return CLI_ARG_ERROR;
}

/* The value of an option that takes one: glued to it, or the next word
 * (taken whatever it looks like, so "--loop -1" works). */
static int take_value(cli_args *a, const cli_opt *o, const char *glued)
{
    if (glued)
        a->val = glued;
    else if (a->i < a->argc)
        a->val = a->argv[a->i++];
    else
        return usage_error(a, "needs a value");
    return o->id;
}

static int long_opt(cli_args *a, const char *s)
{
    const char *eq = strchr(s, '=');
    size_t n = eq ? (size_t)(eq - s) : strlen(s);
    snprintf(a->opt, sizeof a->opt, "--%.*s", (int)n, s);
    if (n == 4 && !strncmp(s, "help", 4) && !eq)
        return CLI_ARG_HELP;
    const cli_opt *o = find(a, s, n, 0);
    if (!o)
        return usage_error(a, "is not an option");
    if (!o->value)
        return eq ? usage_error(a, "takes no value") : o->id;
    return take_value(a, o, eq ? eq + 1 : NULL);
}

static int short_opt(cli_args *a, const char *s)
{
    snprintf(a->opt, sizeof a->opt, "-%c", s[1]);
    if (s[1] == 'h' && !s[2])
        return CLI_ARG_HELP;
    const cli_opt *o = find(a, NULL, 0, s[1]);
    if (!o)
        return usage_error(a, "is not an option");
    if (!o->value)
        return s[2] ? usage_error(a, "takes no value") : o->id;
    return take_value(a, o, s[2] ? s + 2 : NULL);
}

int cli_next(cli_args *a)
{
    a->val = NULL;
    a->opt[0] = '\0';
    if (a->i >= a->argc)
        return CLI_ARG_DONE;
    const char *s = a->argv[a->i++];
    if (a->operands_only || s[0] != '-' || !s[1]) {
        a->val = s;
        return CLI_ARG_OPERAND;
    }
    if (!strcmp(s, "--")) {
        a->operands_only = 1;
        return cli_next(a);
    }
    return s[1] == '-' ? long_opt(a, s + 2) : short_opt(a, s);
}

int cli_bad_value(const cli_args *a, const char *what)
{
    cli_error("%s: %s takes %s, not '%s'", a->cmd, a->opt, what, a->val ? a->val : "");
    return -1;
}

/* strto* skip leading blanks and accept an empty tail; a value must be a
 * number and nothing else. */
static int starts_numeric(const char *v)
{
    return *v && !isspace((unsigned char)*v);
}

int cli_val_long(const cli_args *a, long lo, long hi, const char *unit, long *out)
{
    char *end, what[96];
    errno = 0;
    long n = starts_numeric(a->val) ? strtol(a->val, &end, 10) : 0;
    if (!starts_numeric(a->val) || *end || errno || n < lo || n > hi) {
        snprintf(what, sizeof what, "%ld..%ld%s", lo, hi, unit);
        return cli_bad_value(a, what);
    }
    *out = n;
    return 0;
}

int cli_val_u64(const cli_args *a, uint64_t lo, uint64_t hi, const char *unit, uint64_t *out)
{
    char *end, what[96];
    errno = 0;
    int ok = starts_numeric(a->val) && a->val[0] != '-';
    unsigned long long n = ok ? strtoull(a->val, &end, 10) : 0;
    if (!ok || *end || errno || n < lo || n > hi) {
        snprintf(what, sizeof what, "%llu..%llu%s", (unsigned long long)lo,
                 (unsigned long long)hi, unit);
        return cli_bad_value(a, what);
    }
    *out = n;
    return 0;
}

int cli_val_double(const cli_args *a, double lo, double hi, const char *unit, double *out)
{
    char *end, what[96];
    double x = starts_numeric(a->val) ? strtod(a->val, &end) : 0;
    /* nan fails both comparisons, so test the range the way that rejects it */
    if (!starts_numeric(a->val) || *end || a->val[strspn(a->val, CLI_DECIMAL_CHARS)] ||
        !isfinite(x) || !(x >= lo && x <= hi)) {
        snprintf(what, sizeof what, "a number in %g..%g%s", lo, hi, unit);
        return cli_bad_value(a, what);
    }
    *out = x;
    return 0;
}

int cli_val_choice(const cli_args *a, const char *const *names)
{
    char what[160] = "";
    for (int k = 0; names[k]; k++) {
        if (!strcmp(a->val, names[k]))
            return k;
        const char *sep = !k ? "" : names[k + 1] ? ", " : " or ";
        if (strlen(what) + strlen(sep) + strlen(names[k]) < sizeof what) {
            strcat(what, sep);
            strcat(what, names[k]);
        }
    }
    cli_bad_value(a, what);
    return -1;
}

int cli_parse_list(const char *s, char sep, uint32_t *v, int n)
{
    for (int k = 0; k < n; k++) {
        char *end;
        if (*s < '0' || *s > '9')
            return -1;
        errno = 0;
        unsigned long long x = strtoull(s, &end, 10);
        if (errno || x > UINT32_MAX || *end != (k + 1 < n ? sep : '\0'))
            return -1;
        v[k] = (uint32_t)x;
        s = end + 1;
    }
    return 0;
}
