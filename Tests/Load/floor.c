// The least any HTTP intake can do per report on this machine, for comparison with senim-intake under the same
// load (Tests/Load/floor.sh): two threads on epoll read each request, optionally seal 4 KiB with crypto_box_seal,
// and answer a fixed 2 KB page. No routing, no form decoding, no validation, no storage, no fsync.
// Not a server: it trusts Content-Length, ignores errors and keeps nothing.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUFFER 65536
static int port, seal;
static unsigned char recipient[crypto_box_PUBLICKEYBYTES];
static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2000\r\n\r\n";
static char page[2000];

typedef struct {
    int fd, length;
    char buffer[BUFFER + 1];
} connection;

static void *serve(void *unused) {
    (void)unused;
    int one = 1, listener = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(listener, (void *)&address, sizeof address) || listen(listener, 1024)) { perror("bind"); exit(1); }
    fcntl(listener, F_SETFL, O_NONBLOCK);
    int poller = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL}, events[128];
    epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    unsigned char message[4096], box[4096 + crypto_box_SEALBYTES];
    for (;;) {
        int ready = epoll_wait(poller, events, 128, -1);
        for (int i = 0; i < ready; i++) {
            connection *c = events[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    c = calloc(1, sizeof *c);
                    c->fd = fd;
                    struct epoll_event added = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(poller, EPOLL_CTL_ADD, fd, &added);
                }
                continue;
            }
            ssize_t got = read(c->fd, c->buffer + c->length, BUFFER - c->length);
            if (got <= 0) { close(c->fd); free(c); continue; }
            c->length += got;
            for (;;) {
                c->buffer[c->length] = 0;
                char *end = strstr(c->buffer, "\r\n\r\n");
                if (!end) break;
                char *field = strcasestr(c->buffer, "content-length:");
                int body = field && field < end ? atoi(field + 15) : 0;
                int total = (int)(end + 4 - c->buffer) + body;
                if (c->length < total) break;
                if (seal) {
                    memcpy(message, end + 4, body < 4096 ? body : 4096);
                    crypto_box_seal(box, message, sizeof message, recipient);
                }
                struct iovec answer[2] = {{(void *)head, sizeof head - 1}, {page, sizeof page}};
                if (writev(c->fd, answer, 2) < 0) break;
                memmove(c->buffer, c->buffer + total, c->length - total);
                c->length -= total;
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3 || sodium_init() < 0) { fprintf(stderr, "usage: floor PORT SEAL(0|1)\n"); return 2; }
    port = atoi(argv[1]);
    seal = atoi(argv[2]);
    unsigned char secret[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(recipient, secret);
    memset(page, 'x', sizeof page);
    pthread_t second;
    pthread_create(&second, NULL, serve, NULL);
    serve(NULL);
}
