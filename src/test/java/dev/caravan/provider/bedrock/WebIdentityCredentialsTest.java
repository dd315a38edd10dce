package dev.caravan.provider.bedrock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web identity credentials (an OIDC token file exchanged at STS, as on EKS) work with the modules the jar ships:
 * the STS client on the URLConnection transport (no Apache or Netty SDK client) calls a local STS stand-in, and
 * the SDK's web identity provider — the one the default chain uses when AWS_WEB_IDENTITY_TOKEN_FILE is set — finds
 * the STS module on the class path.
 */
class WebIdentityCredentialsTest {

    private HttpServer sts;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (sts != null) {
            sts.stop(0);
        }
    }

    @Test
    void theTokenIsExchangedAtStsForSessionCredentials() throws IOException {
        startSts();
        Path token = Files.createTempFile("web-identity", ".jwt");
        Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.test-token.sig");
        StsClient client = StsClient.builder().region(Region.US_EAST_1)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:" + sts.getAddress().getPort()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .build();
        try (client; StsAssumeRoleWithWebIdentityCredentialsProvider p = StsAssumeRoleWithWebIdentityCredentialsProvider
                .builder().stsClient(client).refreshRequest(r -> r.roleArn("arn:aws:iam::123456789012:role/caravan")
                        .roleSessionName("caravan").webIdentityToken(readToken(token))).build()) {
            AwsCredentialsIdentity c = p.resolveCredentials();
            assertThat(c.accessKeyId()).isEqualTo("ASIAEXAMPLEWEBID");
            assertThat(c.secretAccessKey()).isEqualTo("sts-secret-example");
            assertThat(((AwsSessionCredentials) c).sessionToken()).isEqualTo("sts-session-token-example");
        }
        assertThat(received).singleElement().satisfies(body -> assertThat(body)
                .contains("Action=AssumeRoleWithWebIdentity").contains("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9"));
    }

    @Test
    void theDefaultChainsWebIdentityProviderFindsTheStsModule() throws IOException {
        Path token = Files.createTempFile("web-identity", ".jwt");
        Files.writeString(token, "token");
        // building it fails with "To use web identity tokens, the 'sts' service module must be on the class path"
        // when the module is missing
        WebIdentityTokenFileCredentialsProvider p = WebIdentityTokenFileCredentialsProvider.builder()
                .webIdentityTokenFile(token).roleArn("arn:aws:iam::123456789012:role/caravan")
                .roleSessionName("caravan").build();
        assertThat(p).isNotNull();
        p.close();
    }

    private static String readToken(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void startSts() throws IOException {
        sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sts.createContext("/", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] xml = """
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials>
                          <AccessKeyId>ASIAEXAMPLEWEBID</AccessKeyId>
                          <SecretAccessKey>sts-secret-example</SecretAccessKey>
                          <SessionToken>sts-session-token-example</SessionToken>
                          <Expiration>2099-01-01T00:00:00Z</Expiration>
                        </Credentials>
                        <AssumedRoleUser>
                          <Arn>arn:aws:sts::123456789012:assumed-role/caravan/caravan</Arn>
                          <AssumedRoleId>AROAEXAMPLE:caravan</AssumedRoleId>
                        </AssumedRoleUser>
                      </AssumeRoleWithWebIdentityResult>
                      <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
                    </AssumeRoleWithWebIdentityResponse>""".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "text/xml");
            ex.sendResponseHeaders(200, xml.length);
            ex.getResponseBody().write(xml);
            ex.close();
        });
        sts.start();
    }
}
