/**
 * How often the process's event-loop delay monitors (readiness's and prom-client's histogram)
 * sample the loop. Each sample wakes an idle process: at 20 and 10 ms the two woke every service
 * 150 times a second, about 5 ms of CPU a second each. A wedged loop is seconds late, which a
 * sample every 100 ms sees as well.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;
