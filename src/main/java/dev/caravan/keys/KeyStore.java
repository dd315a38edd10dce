package dev.caravan.keys;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.caravan.auth.Principal;

/**
 * Where virtual keys live. One replica keeps them in its database with an in-memory index for authentication; a
 * shared store (PostgreSQL for every replica) implements the same operations.
 */
public interface KeyStore {

    /** A key found for a request: the record and the principal built from it once. */
    record Found(VirtualKey key, Principal principal) {
    }

    /** A created key: the record and the key itself, which is shown once and never stored. */
    record Created(VirtualKey key, String secret) {
    }

    /** Stores a new key built by {@code init} from a fresh record (id, hash, prefix and times already set). */
    Created create(UnaryOperator<VirtualKey> init);

    Optional<VirtualKey> get(String id);

    /** The key whose SHA-256 (hex) is {@code hash}, whatever its status. Fast: used on every request. */
    Optional<Found> byHash(String hash);

    /** Keys, newest first; {@code tenant} null = all tenants. */
    List<VirtualKey> list(String tenant, boolean includeRevoked);

    /** Replaces the key {@code id} with {@code change} applied to it; empty when there is no such key. */
    Optional<VirtualKey> update(String id, UnaryOperator<VirtualKey> change);

    /** True when no active key exists. */
    boolean isEmpty();
}
