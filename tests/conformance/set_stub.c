#include "conform.h"
int cf_set_imagegif(cf_ctx *c) { (void)c; return -1; }
int cf_set_libgd(cf_ctx *c) { (void)c; return -1; }
int cf_set_giflib(cf_ctx *c) { (void)c; return -1; }
