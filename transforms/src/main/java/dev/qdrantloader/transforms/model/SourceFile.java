package dev.qdrantloader.transforms.model;

import java.io.Serializable;

/**
 * A file listed from a source, with its raw bytes, before conversion. Immutable (the array is not
 * modified by anyone after construction).
 *
 * @param documentId stable document id (see {@link DocumentIds})
 * @param projectId project of the source
 * @param sourceType e.g. {@code localfile}
 * @param source the source's name in the configuration
 * @param path path relative to the source's base, forward slashes
 * @param url full location of the file
 * @param sizeBytes size as listed
 * @param lastModifiedMillis last-modified time, epoch milliseconds (0 if unknown)
 * @param bytes the content (may be null when the file was not read, e.g. over the size limit)
 */
public record SourceFile(
    String documentId,
    String projectId,
    String sourceType,
    String source,
    String path,
    String url,
    long sizeBytes,
    long lastModifiedMillis,
    byte[] bytes)
    implements Serializable {}
