package dev.enricher.client;

/**
 * Counters of a client since it started; a snapshot, immutable.
 *
 * @param calls       calls accepted by {@link ZeroGpuClient#complete}
 * @param attempts    HTTP attempts sent (first tries and retries)
 * @param retries     attempts that were retries
 * @param succeeded   calls that ended with a completion
 * @param failed      calls that ended with an error
 * @param rateLimited 429 rate_limit answers received
 * @param connections connections to the API opened (HTTP/1.1 and HTTP/2 alike)
 */
public record ClientStats(long calls, long attempts, long retries, long succeeded, long failed, long rateLimited,
                          long connections) {
}
