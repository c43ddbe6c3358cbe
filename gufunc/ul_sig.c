/*
 * ul_sig.c - the gufunc signature parser. Grammar (numpy's):
 *   signature := args "->" args      args := group ("," group)*
 *   group     := "(" [dim ("," dim)*] ")"
 *   dim       := (name | integer) ["?"]   (white space allowed between tokens)
 * A trailing '?' marks a dimension an operand may lack (numpy's
 * UFUNC_CORE_DIM_CAN_IGNORE); a name must carry it everywhere or nowhere,
 * with numpy's messages.
 */
#include "ul_sig.h"
#include "ul_impl.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct parser {
    const char *sig;
    size_t pos;
    char *err;
    size_t errlen;
    /* names of the distinct dims, as (start, length) into sig */
    size_t name_at[UL_MAX_CORE];
    size_t name_len[UL_MAX_CORE];
} parser;

static int fail(parser *p, const char *what)
{
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "%s at position %zu in \"%s\"", what,
                 p->pos, p->sig);
    return UL_EBADSIG;
}

static void skip_space(parser *p)
{
    while (isspace((unsigned char)p->sig[p->pos]))
        p->pos++;
}

/* One dimension token; returns its distinct-dimension index or -1. */
static int parse_dim(parser *p, ul_sig *s)
{
    size_t start = p->pos;
    const char *c = p->sig;
    ptrdiff_t frozen = -1;
    if (isdigit((unsigned char)c[p->pos])) {
        frozen = 0;
        while (isdigit((unsigned char)c[p->pos])) {
            if (frozen > (PTRDIFF_MAX - 9) / 10)
                return fail(p, "dimension size too large"), -1;
            frozen = frozen * 10 + (c[p->pos++] - '0');
        }
    } else if (isalpha((unsigned char)c[p->pos]) || c[p->pos] == '_') {
        while (isalnum((unsigned char)c[p->pos]) || c[p->pos] == '_')
            p->pos++;
    } else {
        return fail(p, "expected a dimension name or size"), -1;
    }
    if (isalnum((unsigned char)c[p->pos]) || c[p->pos] == '_')
        return fail(p, "bad dimension name"), -1;
    size_t len = p->pos - start;
    int can_ignore = c[p->pos] == '?';
    for (int d = 0; d < s->ndims; d++) {
        if (p->name_len[d] == len && memcmp(c + p->name_at[d], c + start, len) == 0) {
            p->pos = start;      /* numpy reports the name's position */
            if (can_ignore && !s->can_ignore[d])
                return fail(p, "? cannot be used, name already seen without ?"), -1;
            if (!can_ignore && s->can_ignore[d])
                return fail(p, "? must be used, name already seen with ?"), -1;
            p->pos += len + (size_t)can_ignore;
            return d;
        }
    }
    if (s->ndims == UL_MAX_CORE)
        return fail(p, "too many core dimensions"), -1;
    p->pos += (size_t)can_ignore;
    p->name_at[s->ndims] = start;
    p->name_len[s->ndims] = len;
    s->frozen[s->ndims] = frozen;
    s->can_ignore[s->ndims] = (unsigned char)can_ignore;
    s->any_ignore |= can_ignore;
    return s->ndims++;
}

/* "(" dims ")" for operand `arg`. */
static int parse_group(parser *p, ul_sig *s, int arg, int *ntotal)
{
    skip_space(p);
    if (p->sig[p->pos] != '(')
        return fail(p, "expected '('");
    p->pos++;
    s->offset[arg] = *ntotal;
    s->ncore[arg] = 0;
    skip_space(p);
    if (p->sig[p->pos] == ')') {
        p->pos++;
        return UL_OK;
    }
    for (;;) {
        skip_space(p);
        if (*ntotal == UL_MAX_CORE)
            return fail(p, "too many core dimensions");
        int d = parse_dim(p, s);
        if (d < 0)
            return UL_EBADSIG;
        s->dim_ix[(*ntotal)++] = d;
        s->ncore[arg]++;
        skip_space(p);
        if (p->sig[p->pos] == ')') {
            p->pos++;
            return UL_OK;
        }
        if (p->sig[p->pos] != ',')
            return fail(p, "expected ',' or ')'");
        p->pos++;
    }
}

int ul_sig_parse(const char *sig, int nin, int nout, ul_sig *s,
                 char *err, size_t errlen)
{
    parser p = { sig ? sig : "", 0, err, errlen, {0}, {0} };
    if (sig == NULL)
        return fail(&p, "no signature");
    if (nin < 0 || nout < 0 || nin + nout > UL_MAX_ARGS)
        return fail(&p, "operand count out of range");
    memset(s, 0, sizeof *s);
    s->nargs = nin + nout;
    int ntotal = 0, arg = 0;
    for (int side = 0; side < 2; side++) {
        int want = side == 0 ? nin : nout;
        int got = 0;
        for (;;) {
            if (arg == s->nargs) {
                skip_space(&p);
                return fail(&p, side == 0 ? "more input groups than nin"
                                          : "more output groups than nout");
            }
            int rc = parse_group(&p, s, arg++, &ntotal);
            if (rc != UL_OK)
                return rc;
            got++;
            skip_space(&p);
            if (p.sig[p.pos] != ',')
                break;
            p.pos++;
        }
        if (got != want)
            return fail(&p, side == 0 ? "number of input groups differs from nin"
                                      : "number of output groups differs from nout");
        if (side == 0) {
            if (strncmp(p.sig + p.pos, "->", 2) != 0)
                return fail(&p, "expected '->'");
            p.pos += 2;
        }
    }
    skip_space(&p);
    if (p.sig[p.pos] != '\0')
        return fail(&p, "unexpected character");
    return UL_OK;
}
