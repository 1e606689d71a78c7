/*
 * The benchmark's floor: not an MCP server, just the least work that answers the driver's requests
 * correctly. It copies the id (and, for tools/call, the text) of each request line into a fixed
 * response template, with no JSON parsing. Its round trip is what the pipes, the scheduler and the
 * driver cost on this machine; whatever a real server measures above it is the server's own.
 * Assumes the driver's request layout ("id" before "method"); the text is copied still escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

static char in[1 << 20];
static char out[1 << 20];

static int write_all(const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(void) {
    size_t len = 0;
    for (;;) {
        if (len == sizeof in) return 1; /* a line longer than the buffer: not the driver's */
        ssize_t n = read(0, in + len, sizeof in - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        len += (size_t)n;
        char *line = in;
        char *nl;
        size_t olen = 0;
        while ((nl = memchr(line, '\n', (size_t)(in + len - line))) != NULL) {
            *nl = '\0';
            char *id = strstr(line, "\"id\":");
            if (id != NULL && olen < sizeof out - 4096) {
                id += 5;
                char *id_end = id;
                while (*id_end == '-' || (*id_end >= '0' && *id_end <= '9')) id_end++;
                int id_len = (int)(id_end - id);
                char *text = strstr(id_end, "\"text\":\"");
                if (strstr(id_end, "\"method\":\"initialize\"") != NULL) {
                    olen += (size_t)snprintf(out + olen, sizeof out - olen,
                        "{\"jsonrpc\":\"2.0\",\"id\":%.*s,\"result\":{\"protocolVersion\":\"2025-06-18\","
                        "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"line-echo\",\"version\":\"1\"}}}\n",
                        id_len, id);
                } else if (text != NULL) {
                    text += 8;
                    char *text_end = text; /* the closing quote: skip escaped characters */
                    while (*text_end != '\0' && *text_end != '"') text_end += (*text_end == '\\' && text_end[1] != '\0') ? 2 : 1;
                    olen += (size_t)snprintf(out + olen, sizeof out - olen,
                        "{\"jsonrpc\":\"2.0\",\"id\":%.*s,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"%.*s\"}],"
                        "\"isError\":false}}\n",
                        id_len, id, (int)(text_end - text), text);
                } else {
                    olen += (size_t)snprintf(out + olen, sizeof out - olen,
                        "{\"jsonrpc\":\"2.0\",\"id\":%.*s,\"result\":{}}\n", id_len, id);
                }
            }
            line = nl + 1;
        }
        if (olen > 0 && write_all(out, olen) != 0) return 1;
        len = (size_t)(in + len - line);
        memmove(in, line, len);
    }
}
