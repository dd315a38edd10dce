package dev.caravan.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.support.Secrets;

/**
 * First step of every admin-plane route: the caller must send {@code Authorization: Bearer <caravan.admin.key>}.
 * With no admin key configured the admin API refuses everything. Request headers are dropped after the check.
 */
public final class AdminGuard implements Processor {

    private final byte[] key;

    public AdminGuard(String adminKey) {
        this.key = adminKey == null || adminKey.isBlank() ? null : adminKey.trim().getBytes(StandardCharsets.UTF_8);
        Secrets.register(adminKey == null ? null : adminKey.trim());
    }

    @Override
    public void process(Exchange exchange) {
        String auth = exchange.getMessage().getHeader("authorization", String.class);
        exchange.getMessage().removeHeaders("*", Exchange.HTTP_METHOD, Exchange.HTTP_URI, Exchange.HTTP_QUERY);
        if (key == null) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "admin_disabled", null,
                    "The admin API is disabled: set CARAVAN_ADMIN_KEY (caravan.admin.key).");
        }
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        if (token == null || !MessageDigest.isEqual(key, token.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "invalid_admin_key", null, "Invalid admin key.");
        }
    }
}
