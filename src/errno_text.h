/* The text of an errno value in the caller's buffer. strerror may share
 * one buffer between threads, and -j workers open and read files. */
#ifndef LINEAGE_ERRNO_TEXT_H
#define LINEAGE_ERRNO_TEXT_H

#include <stdio.h>
#include <string.h>

#define ERRNO_TEXT_SIZE 128

static inline const char *errno_text(int err, char buf[ERRNO_TEXT_SIZE])
{
    /* The POSIX strerror_r (the build asks for _POSIX_C_SOURCE, not GNU). */
    if (strerror_r(err, buf, ERRNO_TEXT_SIZE) != 0)
        snprintf(buf, ERRNO_TEXT_SIZE, "error %d", err);
    return buf;
}

#endif
