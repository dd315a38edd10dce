package dev.caravan.provider.vertex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;

/** A throw-away service-account key file (fresh RSA key) whose token_uri points at a local stand-in. */
final class ServiceAccounts {

    private ServiceAccounts() {
    }

    static Path keyFile(String tokenUri) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(g.generateKeyPair().getPrivate()
                            .getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            ObjectNode sa = Json.NODES.objectNode();
            sa.put("type", "service_account");
            sa.put("project_id", "proj-1");
            sa.put("private_key_id", "key-1");
            sa.put("private_key", pem);
            sa.put("client_email", "caravan@proj-1.iam.gserviceaccount.com");
            sa.put("client_id", "1234567890");
            sa.put("token_uri", tokenUri);
            Path f = Files.createTempFile("sa-key", ".json");
            Files.writeString(f, sa.toString());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
