package dev.qdrantloader.transforms.model;

import java.io.Serializable;

/**
 * A listed file whose bytes differ from what the collection holds for it.
 *
 * @param current the file as read now
 * @param previous the manifest entry of what was ingested before
 */
public record ChangedFile(SourceFile current, ManifestEntry previous) implements Serializable {}
