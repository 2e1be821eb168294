/*
 * The floor of a sysfs scan: performs exactly the file operations of a list, and nothing else. Each line of
 * LIST is "O path", "F path" (open, read to the end, close), "L path" (readlink) or "D path" (open the directory,
 * read all entries, close). The list is what the inspector itself did (strace), so this is the least any reader of the
 * same facts must do. "O path" opens a file or a directory: it reads a file to the end, or a directory's entries
 * (the first read of a directory fails with EISDIR, one extra syscall per directory). Missing files are skipped.
 *
 * Build: gcc -O2 -o floor floor.c        Use: ./floor LIST   (prints the number of operations on stderr)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: floor LIST\n");
        return 2;
    }
    FILE *list = fopen(argv[1], "r");
    if (!list) {
        perror(argv[1]);
        return 2;
    }
    char line[4096], buf[65536];
    long ops = 0, bytes = 0;
    while (fgets(line, sizeof line, list)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = 0;
        if (n < 3 || line[1] != ' ')
            continue;
        const char *path = line + 2;
        ops++;
        if (line[0] == 'F' || line[0] == 'O') {
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                continue;
            ssize_t r;
            while ((r = read(fd, buf, sizeof buf)) > 0)
                bytes += r;
            if (r < 0 && errno == EISDIR) {
                DIR *d = fdopendir(fd);
                if (d) {
                    struct dirent *e;
                    while ((e = readdir(d)) != NULL)
                        bytes += strlen(e->d_name);
                    closedir(d);
                    continue;
                }
            }
            close(fd);
        } else if (line[0] == 'L') {
            ssize_t r = readlink(path, buf, sizeof buf);
            if (r > 0)
                bytes += r;
        } else if (line[0] == 'D') {
            DIR *d = opendir(path);
            if (!d)
                continue;
            struct dirent *e;
            while ((e = readdir(d)) != NULL)
                bytes += strlen(e->d_name);
            closedir(d);
        }
    }
    fclose(list);
    fprintf(stderr, "floor: %ld operations, %ld bytes\n", ops, bytes);
    return 0;
}
