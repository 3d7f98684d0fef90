#include "regular_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *regular_file_open(const char *path, int *err)
{
    /* O_NONBLOCK: open() of a FIFO returns at once instead of waiting for
     * a writer; it is cleared before anything is read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    struct stat st;
    FILE *f = NULL;
    int flags;
    *err = 0;
    if (fstat(fd, &st) != 0)
        *err = errno;
    else if (S_ISREG(st.st_mode) && ((flags = fcntl(fd, F_GETFL)) < 0 ||
                                     fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
                                     !(f = fdopen(fd, "rb"))))
        *err = errno;
    if (!f)
        close(fd);
    return f;
}
