package dev.etcddr.snapshot;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code datadir export}: which data dir, where the snapshot goes.
 *
 * @param manifest the member's manifest: the data dir (its host path) and the member name come from it
 * @param dataDir a data dir to read instead of the manifest's (e.g. one moved aside); the name is then
 *     {@code memberName}
 * @param file the snapshot file to write, or empty for a name of the standard form in {@code dir}
 */
public record ExportRequest(Path manifest, Optional<Path> dataDir, Optional<String> memberName, Optional<Path> file,
    Path dir, Optional<String> clusterName, boolean force) {}
