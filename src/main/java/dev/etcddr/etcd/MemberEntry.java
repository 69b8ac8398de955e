package dev.etcddr.etcd;

import java.util.List;

/**
 * One entry of the member list. A member added with {@code member add} but never started has no name and no
 * client URLs yet.
 */
public record MemberEntry(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {}
