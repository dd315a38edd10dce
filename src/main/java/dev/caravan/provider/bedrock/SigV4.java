package dev.caravan.provider.bedrock;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS Signature Version 4 over one request, by the AWS SDK's own signer ({@code http-auth-aws}): no hand-rolled
 * HMAC. Returns the headers to send (the given ones plus {@code Host}, {@code X-Amz-Date}, {@code Authorization} and,
 * for session credentials, {@code X-Amz-Security-Token}). Thread-safe.
 */
public final class SigV4 {

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private SigV4() {
    }

    /** Signs {@code method uri} with {@code headers} and {@code body} for {@code service} in {@code region}. */
    public static Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body,
            AwsCredentialsIdentity credentials, String region, String service, Clock clock) {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(b::putHeader);
        SdkHttpRequest request = b.build();
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials).request(request)
                .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : signed.request().headers().entrySet()) {
            out.put(e.getKey(), String.join(",", e.getValue()));
        }
        return out;
    }
}
