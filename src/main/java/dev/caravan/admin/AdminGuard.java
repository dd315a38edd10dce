package dev.caravan.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.caravan.error.ApiException;
import dev.caravan.error.ErrorMapper;
import dev.caravan.support.Secrets;
import dev.caravan.support.Sha256;

/**
 * First step of the admin routes ({@code /admin/keys}, {@code /admin/spend}): requires
 * {@code Authorization: Bearer <admin key>} ({@code caravan.admin.key}, from {@code CARAVAN_ADMIN_KEY}); without a
 * configured admin key every request is refused. The request's method, path and query are kept as exchange
 * properties and every header is removed, so nothing is echoed back.
 */
public final class AdminGuard implements Processor {

    public static final String METHOD = "CaravanAdminMethod";
    public static final String PATH = "CaravanAdminPath";
    public static final String QUERY = "CaravanAdminQuery";

    private final byte[] adminKeyDigest;

    public AdminGuard(String adminKey) {
        String k = adminKey == null ? "" : adminKey.trim();
        if (!k.isEmpty()) {
            Secrets.register(k);
        }
        this.adminKeyDigest = k.isEmpty() ? null : digest(k);
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        String uri = in.getHeader(Exchange.HTTP_URI, String.class);
        // the raw (still URL-encoded) query: values may contain '&' or '='
        String query = in.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        String auth = in.getHeader("authorization", String.class);
        in.removeHeaders("*");
        int q = uri == null ? -1 : uri.indexOf('?');
        String path = uri == null ? "/" : q >= 0 ? uri.substring(0, q) : uri;
        if (query == null && q >= 0) {
            query = uri.substring(q + 1);
        }
        exchange.setProperty(METHOD, method == null ? "GET" : method.toUpperCase(Locale.ROOT));
        exchange.setProperty(PATH, path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1)
                : path);
        exchange.setProperty(QUERY, query == null ? "" : query);
        if (adminKeyDigest == null) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "admin_disabled", null, "The admin API is "
                    + "disabled: no admin key is configured. Set CARAVAN_ADMIN_KEY (property caravan.admin.key).");
        }
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        if (token == null || token.isEmpty()) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "missing_admin_key", null,
                    "Send the admin key as 'Authorization: Bearer <CARAVAN_ADMIN_KEY>'.");
        }
        if (!MessageDigest.isEqual(adminKeyDigest, digest(token))) {
            throw new ApiException(401, ErrorMapper.AUTHENTICATION, "invalid_admin_key", null, "Invalid admin key.");
        }
    }

    private static byte[] digest(String s) {
        return Sha256.digest().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
