package dev.etcddr.membership;

import dev.etcddr.access.AccessOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One membership change, asked of the voting members reached through {@code access}.
 *
 * @param member the member's name or 16-hex-digit ID (remove, promote), or the new member's name (add)
 * @param peerUrls the new member's peer URLs (add only)
 * @param expectDown remove only: refuse when the member still answers on its client URLs (the caller stopped it)
 * @param catchUpWait promote only: how long to wait for the learner to catch up
 * @param maxLag promote only: how many revisions behind a voter the learner may be when it is promoted
 */
public record MemberChangeRequest(AccessOptions access, String member, List<String> peerUrls, boolean expectDown,
    Optional<Duration> catchUpWait, long maxLag) {}
