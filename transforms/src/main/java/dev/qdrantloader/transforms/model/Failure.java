package dev.qdrantloader.transforms.model;

import java.io.Serializable;

/**
 * A document (or chunk) that could not be processed, with the reason a user can act on. Failures
 * never stop a run; they are counted, listed in the run summary and make the exit status 1.
 *
 * @param stage where it failed: {@code read}, {@code convert}, {@code chunk}, {@code embed}, {@code
 *     write}
 * @param projectId the project
 * @param source the source name
 * @param path the document's path (or url)
 * @param reason what went wrong, in words (never the document's content)
 */
public record Failure(String stage, String projectId, String source, String path, String reason)
    implements Serializable {}
