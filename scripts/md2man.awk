# Turns docs/giflow.1.md into a roff man page: awk -v version=X -f md2man.awk.
# It handles only the markdown that file uses (see the comment there), in
# POSIX awk, so building the man page needs nothing beyond the base system.

# Escapes roff's specials in plain text.
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    return s
}

# **bold** and *italic* (an asterisk between letters, as in w*h, stays).
function emph(s,    out, i, c, j, prev, rest) {
    out = ""
    while ((i = index(s, "*")) > 0) {
        prev = i > 1 ? substr(s, i - 1, 1) : " "
        if (substr(s, i, 2) == "**") {
            rest = substr(s, i + 2)
            j = index(rest, "**")
            if (j > 0) {
                out = out substr(s, 1, i - 1) "\\fB" substr(rest, 1, j - 1) "\\fR"
                s = substr(rest, j + 2)
                continue
            }
        } else if (prev !~ /[A-Za-z0-9]/) {
            rest = substr(s, i + 1)
            j = index(rest, "*")
            c = substr(rest, j + 1, 1)
            if (j > 1 && c !~ /[A-Za-z0-9]/) {
                out = out substr(s, 1, i - 1) "\\fI" substr(rest, 1, j - 1) "\\fR"
                s = substr(rest, j + 1)
                continue
            }
        }
        out = out substr(s, 1, i)
        s = substr(s, i + 1)
    }
    return out s
}

# Inline markup: `code` is bold and taken literally; the rest gets emph().
function inline(s,    out, i, j, rest) {
    s = esc(s)
    out = ""
    while ((i = index(s, "`")) > 0) {
        rest = substr(s, i + 1)
        j = index(rest, "`")
        if (!j)
            break
        out = out emph(substr(s, 1, i - 1)) "\\fB" substr(rest, 1, j - 1) "\\fR"
        s = substr(rest, j + 1)
    }
    s = out emph(s)
    if (s ~ /^[.']/)
        s = "\\&" s
    return s
}

# A definition term such as `--crop X,Y,W,H`: the option bold, its
# argument italic.
function term(s,    sp) {
    s = esc(substr(s, 2, length(s) - 2))
    sp = index(s, " ")
    if (sp)
        return "\\fB" substr(s, 1, sp - 1) "\\fR \\fI" substr(s, sp + 1) "\\fR"
    return "\\fB" s "\\fR"
}

BEGIN { para = 0; code = 0; comment = 0 }

NR == 1 && /^% / {
    n = split(substr($0, 3), f, "\"")
    split(f[1], t, " ")
    title = f[2]
    sub(/@VERSION@/, version, title)
    printf ".TH %s %s \"\" \"%s\" \"%s\"\n", t[1], t[2], title, f[4]
    next
}
comment { if (/-->/) comment = 0; next }
/^<!--/ { if (!/-->/) comment = 1; next }
/^```/ {
    if (!code) { print ".PP"; print ".RS 4"; print ".nf" } else { print ".fi"; print ".RE" }
    code = !code; para = 0
    next
}
code {
    line = $0
    gsub(/\\/, "\\e", line)
    gsub(/-/, "\\-", line)
    if (line ~ /^[.']/) line = "\\&" line
    print line
    next
}
/^## / { print ".SS \"" esc(substr($0, 4)) "\""; para = 0; next }
/^# /  { print ".SH \"" esc(substr($0, 3)) "\""; para = 0; next }
/^$/   { para = 0; next }
/^`[^`]*`$/ { pending = term($0); next }
/^:   / {
    print ".TP"
    print pending
    print inline(substr($0, 5))
    para = 1
    next
}
/^- / { print ".IP \\(bu 2"; print inline(substr($0, 3)); para = 1; next }
/^    / { sub(/^ +/, ""); print inline($0); next }
{
    if (!para) { print ".PP"; para = 1 }
    print inline($0)
}
