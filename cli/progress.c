/* progress.c - progress bar on a terminal, plain lines elsewhere. */
#include "progress.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct cli_progress {
    FILE *out;
    cli_progress_mode mode; /* BAR, LINES or OFF: AUTO resolved */
    double interval_s;
    int width;
    char task[64];
    double total, done;
    double t0, last; /* task start, last output (monotonic s) */
    int solver;      /* the task has solver state */
    double seconds, objective, bound, limit_s;
    int drawn; /* BAR: a partial line is on screen */
    int lines; /* LINES: lines printed for the current task */
    /* The ticker: a thread that redraws the current task when the library
     * has not called for a while (a long GLPK call, the neighbour search),
     * so that a log gets a line every interval and the bar moves at least
     * once a second.  lock guards everything above. */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t ticker;
    int ticking, stop;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void draw(cli_progress *p, bool final);

/* The ticker's period: a log's interval, or half a second for the bar. */
static double tick_period_s(const cli_progress *p)
{
    return p->mode == CLI_PROGRESS_BAR ? fmax(p->interval_s, 0.5) : p->interval_s;
}

static void *tick_main(void *arg)
{
    cli_progress *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        double period = tick_period_s(p), due = p->last + period, t = now_s();
        if (t < due) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            double wait = due - t;
            ts.tv_sec += (time_t)wait;
            ts.tv_nsec += (long)((wait - floor(wait)) * 1e9);
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            int rc = pthread_cond_timedwait(&p->wake, &p->lock, &ts);
            if (rc != 0 && rc != ETIMEDOUT)
                break;
            continue;
        }
        if (p->task[0])
            draw(p, false); /* sets p->last */
        else
            p->last = t;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void cli_progress_options_init(cli_progress_options *o)
{
    o->mode = CLI_PROGRESS_AUTO;
    o->interval_s = -1;
    o->width = 0;
}

cli_progress *cli_progress_create(FILE *out, const cli_progress_options *o)
{
    cli_progress_options d;
    if (!o) {
        cli_progress_options_init(&d);
        o = &d;
    }
    cli_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->out = out;
    p->mode = o->mode;
    int fd = fileno(out);
    if (p->mode == CLI_PROGRESS_AUTO)
        p->mode = fd >= 0 && isatty(fd) ? CLI_PROGRESS_BAR : CLI_PROGRESS_LINES;
    p->interval_s = o->interval_s >= 0 ? o->interval_s : p->mode == CLI_PROGRESS_BAR ? 0.1 : 5.0;
    p->width = o->width;
    if (p->width <= 0) {
        struct winsize ws;
        p->width = fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
    }
    p->objective = p->bound = NAN;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (p->mode != CLI_PROGRESS_OFF && p->interval_s > 0) {
        /* Signals (Ctrl-C) stay with the main thread: the ticker is
         * created with all of them blocked. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        p->ticking = pthread_create(&p->ticker, NULL, tick_main, p) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return p;
}

void cli_progress_destroy(cli_progress *p)
{
    if (!p)
        return;
    if (p->ticking) {
        pthread_mutex_lock(&p->lock);
        p->stop = 1;
        pthread_cond_signal(&p->wake);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->ticker, NULL);
    }
    if (p->drawn)
        fputc('\n', p->out);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* "0.4 s", "12 s" or "2:05" */
static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 10)
        snprintf(buf, n, "%.1f s", s < 0 ? 0 : s);
    else if (s < 100)
        snprintf(buf, n, "%.0f s", s);
    else
        snprintf(buf, n, "%d:%02d", (int)(s / 60), (int)fmod(s, 60));
}

/* The state without the bar: "120 of 188 (64 %), 0.4 s, about 0.2 s left". */
static void state_text(const cli_progress *p, double t, bool final, char *buf, size_t n)
{
    char el[32], left[32];
    double elapsed = t - p->t0;
    fmt_time(el, sizeof el, elapsed);
    if (p->solver) {
        size_t o = 0;
        if (isfinite(p->objective))
            o += (size_t)snprintf(buf + o, n - o, "best %.0f", p->objective);
        else
            o += (size_t)snprintf(buf + o, n - o, "no plan yet");
        /* No bound proven yet: "—", never a 0 that looks like a proof. */
        if (o < n) {
            if (isfinite(p->bound))
                o += (size_t)snprintf(buf + o, n - o, ", bound %.0f", p->bound);
            else
                o += (size_t)snprintf(buf + o, n - o, ", bound —");
        }
        if (isfinite(p->objective) && o < n) {
            if (isfinite(p->bound)) {
                double gap = (p->bound - p->objective) / fmax(fabs(p->objective), 1.0);
                o += (size_t)snprintf(buf + o, n - o, ", gap %.2f %%", 100 * fmax(gap, 0));
            } else {
                o += (size_t)snprintf(buf + o, n - o, ", gap —");
            }
        }
        /* Between the library's calls the clock still runs. */
        fmt_time(el, sizeof el, final ? p->seconds : fmax(p->seconds, elapsed));
        if (o < n) {
            if (final)
                snprintf(buf + o, n - o, ", %s", el);
            else if (p->limit_s > 0) {
                fmt_time(left, sizeof left, p->limit_s);
                snprintf(buf + o, n - o, ", %s of at most %s", el, left);
            } else
                snprintf(buf + o, n - o, ", %s", el);
        }
        return;
    }
    if (p->total > 0 && !final) {
        double rest = p->done > 0 ? elapsed * (p->total - p->done) / p->done : NAN;
        if (isfinite(rest))
            fmt_time(left, sizeof left, rest);
        if (p->mode == CLI_PROGRESS_BAR) { /* fits 80 columns beside the bar */
            snprintf(buf, n, "%3.0f %% %.0f/%.0f ETA %s", 100 * p->done / p->total, p->done,
                     p->total, isfinite(rest) ? left : "?");
            return;
        }
        snprintf(buf, n, "%.0f of %.0f (%.0f %%), %s%s%s%s", p->done, p->total,
                 100 * p->done / p->total, el, isfinite(rest) ? ", about " : "",
                 isfinite(rest) ? left : "", isfinite(rest) ? " left" : "");
    } else if (final && p->total > 0) {
        snprintf(buf, n, "%.0f of %.0f, done in %s", p->done, p->total, el);
    } else if (final && p->done > 0) {
        snprintf(buf, n, "%.0f, done in %s", p->done, el);
    } else if (final) {
        snprintf(buf, n, "done in %s", el);
    } else if (p->done > 0) {
        snprintf(buf, n, "%.0f, %s", p->done, el);
    } else {
        snprintf(buf, n, "%s", el); /* a task without counts: its time */
    }
}

static void draw(cli_progress *p, bool final)
{
    double t = now_s();
    if (p->mode == CLI_PROGRESS_OFF)
        return;
    if (!final && t - p->last < p->interval_s)
        return;
    p->last = t;
    char state[256];
    state_text(p, t, final, state, sizeof state);
    if (p->mode == CLI_PROGRESS_LINES) {
        /* A log gets the end of a task only if it got its progress: a
         * task shorter than the interval leaves no line at all. */
        if (final && p->lines == 0 && p->interval_s > 0)
            return;
        p->lines++;
        fprintf(p->out, "%s: %s\n", p->task, state);
        fflush(p->out);
        return;
    }
    /* BAR: "task [=====>     ] state", cut to the terminal width. */
    double frac = -1;
    if (p->solver && p->limit_s > 0)
        frac = fmin(p->seconds / p->limit_s, 1);
    else if (!p->solver && p->total > 0)
        frac = fmin(p->done / p->total, 1);
    if (final)
        frac = 1;
    char line[512];
    int bar = 24, o = snprintf(line, sizeof line, "%s ", p->task);
    if (frac >= 0) {
        int fill = (int)(frac * bar + 0.5);
        line[o++] = '[';
        for (int i = 0; i < bar; i++)
            line[o++] = i < fill ? '=' : i == fill ? '>' : ' ';
        line[o++] = ']';
        line[o++] = ' ';
        line[o] = '\0';
    }
    snprintf(line + o, sizeof line - (size_t)o, "%s", state);
    if ((int)strlen(line) > p->width - 1) {
        /* cut at a character boundary: "—" is three bytes */
        int cut = p->width - 1;
        while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
        line[cut] = '\0';
    }
    fprintf(p->out, "\r%s\033[K", line);
    if (final) {
        fputc('\n', p->out);
        p->drawn = 0;
    } else {
        p->drawn = 1;
    }
    fflush(p->out);
}

static void end_locked(cli_progress *p)
{
    if (!p->task[0])
        return;
    draw(p, true);
    p->task[0] = '\0';
}

void cli_progress_begin(cli_progress *p, const char *task, double total)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->drawn)
        end_locked(p);
    snprintf(p->task, sizeof p->task, "%s", task);
    p->total = total;
    p->done = 0;
    p->solver = 0;
    p->objective = p->bound = NAN;
    p->seconds = 0;
    p->t0 = now_s();
    p->last = p->t0; /* the first line comes after one interval */
    p->lines = 0;
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_step(cli_progress *p, double done)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->done = done;
    draw(p, false);
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_set_limit(cli_progress *p, double limit_s)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->limit_s = limit_s;
    pthread_mutex_unlock(&p->lock);
}

static void solver_locked(cli_progress *p, double seconds, double objective, double bound,
                          double limit_s)
{
    p->solver = 1;
    p->seconds = seconds;
    p->limit_s = limit_s;
    /* Keep the best values seen: a callback without news shows the last. */
    if (isfinite(objective))
        p->objective = objective;
    if (isfinite(bound))
        p->bound = bound;
    draw(p, false);
}

void cli_progress_solver(cli_progress *p, double seconds, double objective, double bound,
                         double limit_s)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    solver_locked(p, seconds, objective, bound, limit_s);
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_plan_fn(void *user_data, double seconds, double objective, double bound)
{
    cli_progress *p = user_data;
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    solver_locked(p, seconds, objective, bound, p->limit_s);
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_end(cli_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    end_locked(p);
    pthread_mutex_unlock(&p->lock);
}
