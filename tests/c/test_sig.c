/*
 * Area: the gufunc signature parser (through the registry and driver,
 * which reject what it rejects) and its flat-array result.
 * Purpose: numpy's grammar with white space and frozen sizes; errors name
 * the position; '?' (numpy's optional dims) flags the name, consistently.
 */
#include "ul_test.h"
/* the parser is internal (hidden in the library): compile it in */
#include "../../gufunc/ul_sig.c"

int main(void)
{
    ul_sig s;
    char err[200];
    UL_CHECK(ul_sig_parse("(m, m)->(m, m)", 1, 1, &s, err, sizeof err) == UL_OK, "%s", err);
    UL_CHECK(s.ndims == 1 && s.ncore[0] == 2 && s.ncore[1] == 2 && s.dim_ix[3] == 0, "inv sig");
    UL_CHECK(ul_sig_parse(" ( m , m ) , ( m , n ) -> ( m , n ) ", 2, 1, &s, err, sizeof err) == UL_OK, "%s", err);
    UL_CHECK(s.ndims == 2 && s.offset[2] == 4 && s.dim_ix[5] == 1 && s.frozen[1] == -1, "solve sig");
    UL_CHECK(ul_sig_parse("(m,m)->(),()", 1, 2, &s, err, sizeof err) == UL_OK && s.ncore[1] == 0 && s.ncore[2] == 0, "slogdet");
    UL_CHECK(ul_sig_parse("(3),(3)->(3)", 2, 1, &s, err, sizeof err) == UL_OK && s.ndims == 1 && s.frozen[0] == 3, "frozen");
    UL_CHECK(ul_sig_parse("(i_1,j2)->(j2)", 1, 1, &s, err, sizeof err) == UL_OK && s.ndims == 2, "names");
    UL_CHECK(ul_sig_parse("(n?,k),(k,m?)->(n?,m?)", 2, 1, &s, err, sizeof err) == UL_OK, "%s", err);
    UL_CHECK(s.ndims == 3 && s.any_ignore && s.can_ignore[0] && !s.can_ignore[1] && s.can_ignore[2] &&
             s.dim_ix[5] == 2 && s.ncore[2] == 2, "matmul sig");
    UL_CHECK(ul_sig_parse("( n? , 3? )->( n? )", 1, 1, &s, err, sizeof err) == UL_OK && s.ndims == 2 &&
             s.can_ignore[1] && s.frozen[1] == 3, "%s", err);
    UL_CHECK(ul_sig_parse("(m,m)->(m)", 1, 1, &s, err, sizeof err) == UL_OK && !s.any_ignore, "no ?");
    static const struct { const char *sig; int nin, nout; const char *msg; } bad[] = {
        { "(m,m)(m)", 1, 1, "expected '->' at position 5" },
        { "(m,m)->", 1, 1, "expected '('" },
        { "(m,m->(m)", 1, 1, "expected ',' or ')'" },
        { "(m,m),(m)->(m)", 1, 1, "input groups" },
        { "(m)->(m),(m)", 1, 1, "output groups" },
        { "(m?)->(m)", 1, 1, "? must be used, name already seen with ? at position 7 in \"(m?)->(m)\"" },
        { "(m)->(m?)", 1, 1, "? cannot be used, name already seen without ? at position 6" },
        { "(m?" "?)->(m)", 1, 1, "expected ',' or ')' at position 3" },
        { "(?)->(m)", 1, 1, "expected a dimension" },
        { "(m,)->(m)", 1, 1, "expected a dimension" },
        { "(2m)->(m)", 1, 1, "bad dimension name" },
        { "(m)->(m) x", 1, 1, "unexpected character at position 9" },
        { "", 1, 1, "expected '('" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = ul_sig_parse(bad[i].sig, bad[i].nin, bad[i].nout, &s, err, sizeof err);
        UL_CHECK(rc == UL_EBADSIG && strstr(err, bad[i].msg), "\"%s\": rc %d, \"%s\"", bad[i].sig, rc, err);
    }
    UL_CHECK(ul_sig_parse(NULL, 1, 1, &s, err, sizeof err) == UL_EBADSIG, "NULL");
    return ul_test_done("test_sig");
}
