package dev.etcddr.snapshot;

import java.nio.file.Path;
import java.util.List;

/** A saved, verified snapshot and its sidecar, and the endpoints that were not chosen as its source. */
public record SaveResult(Path snapshot, Path sidecar, SnapshotMetadata metadata, List<String> passedOver) {}
