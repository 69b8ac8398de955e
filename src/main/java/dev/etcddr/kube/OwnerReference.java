package dev.etcddr.kube;

/** One entry of metadata.ownerReferences: the object this one is garbage-collected with. */
public record OwnerReference(String apiVersion, String kind, String name, String uid, boolean controller) {}
