package dev.caravan.keys;

import java.time.Clock;
import java.util.Optional;

import dev.caravan.auth.Authenticator;
import dev.caravan.auth.Principal;
import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;

/**
 * Authenticates virtual keys ({@code sk-cvn-…}) against the {@link KeyStore} on every request, so revocation,
 * expiry and changed limits apply to the next request. A revoked or expired key is a 401 that says so.
 */
public final class VirtualKeyAuthenticator implements Authenticator {

    private final KeyStore store;
    private final Clock clock;

    public VirtualKeyAuthenticator(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(KeySecrets.PREFIX)) {
            return Optional.empty();
        }
        Optional<KeyStore.Found> found = store.byHash(KeySecrets.hash(token));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        VirtualKey k = found.get().key();
        if (k.status() == VirtualKey.Status.REVOKED) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "key_revoked", null,
                    "This gateway key (" + k.id() + ") has been revoked.");
        }
        if (k.expired(clock.instant())) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "key_expired", null,
                    "This gateway key (" + k.id() + ") expired at " + k.expiresAt() + ".");
        }
        return Optional.of(found.get().principal());
    }

    @Override
    public boolean isEmpty() {
        return store.isEmpty();
    }
}
