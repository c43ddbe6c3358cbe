/*
 * ul_error.c - status strings and the version query.
 */
#include "ul_impl.h"

static const char *const messages[] = {
    [UL_OK] = "success",
    [UL_ENOMEM] = "out of memory",
    [UL_EINVAL] = "invalid argument",
    [UL_EBADSIG] = "malformed gufunc signature",
    [UL_EBADTYPE] = "unsupported type",
    [UL_ESHAPE] = "shape mismatch",
    [UL_ENOTFOUND] = "no such gufunc",
    [UL_ESINGULAR] = "singular matrix",
    [UL_EFFI] = "libffi refused the function description",
    [UL_EBUSY] = "busy: name taken, or still registered or in use",
    [UL_EOVERFLOW] = "size overflow",
};

UL_API const char *ul_strerror(int status)
{
    if (status < 0 || (size_t)status >= sizeof messages / sizeof messages[0] ||
        messages[status] == NULL)
        return "unknown status";
    return messages[status];
}

UL_API int ul_version_number(void)
{
    return UL_VERSION_NUMBER;
}
