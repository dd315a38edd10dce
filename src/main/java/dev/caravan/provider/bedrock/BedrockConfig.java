package dev.caravan.provider.bedrock;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import dev.caravan.error.ProviderUnavailable;
import dev.caravan.provider.ModelPatterns;
import dev.caravan.provider.ProviderConfig;
import dev.caravan.support.Secrets;

/**
 * The Bedrock provider's settings: the common ones ({@link ProviderConfig}) plus the AWS region and how requests
 * are authorised. A Bedrock API key ({@code AWS_BEARER_TOKEN_BEDROCK} or {@code caravan.provider.bedrock.api-key})
 * is sent as a bearer token; otherwise every request is SigV4-signed with credentials from, in order: the
 * properties {@code .access-key-id} / {@code .secret-access-key} / {@code .session-token}, the named
 * {@code .profile}, or the AWS SDK's default chain (environment, system properties, web identity token file when
 * the STS module is on the class path, shared profile files, container and instance metadata), whose providers
 * cache and refresh credentials themselves. The region comes from {@code .region}, else {@code AWS_REGION} /
 * {@code AWS_DEFAULT_REGION}, else {@code us-east-1}; the base URL defaults to the region's bedrock-runtime
 * endpoint.
 */
public class BedrockConfig extends ProviderConfig {

    private String region;
    private int defaultMaxTokens = 4096;
    private String reasoningModels = "*anthropic.claude*";
    private AwsCredentialsProvider credentials;
    private BedrockSettings settings;

    public BedrockConfig() {
        setKeyRequired(false);
        setKeyEnv("AWS_BEARER_TOKEN_BEDROCK");
    }

    @Override
    protected void initProvider() {
        String prefix = "caravan.provider." + name() + ".";
        region = prop(prefix + "region").or(() -> Optional.ofNullable(blankToNull(region)))
                .or(() -> env("AWS_REGION")).or(() -> env("AWS_DEFAULT_REGION")).orElse("us-east-1");
        if (!region.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("region must look like us-east-1, got '" + region + "'");
        }
        defaultBaseUrl("https://bedrock-runtime." + region.toLowerCase(Locale.ROOT) + ".amazonaws.com");
        defaultMaxTokens = prop(prefix + "default-max-tokens").map(Integer::parseInt).orElse(defaultMaxTokens);
        reasoningModels = prop(prefix + "reasoning-models").orElse(reasoningModels);
        settings = new BedrockSettings(defaultMaxTokens, ModelPatterns.parse(reasoningModels));
        credentials = credentialsProvider(prefix);
    }

    private AwsCredentialsProvider credentialsProvider(String prefix) {
        Optional<String> id = prop(prefix + "access-key-id");
        Optional<String> secret = prop(prefix + "secret-access-key");
        if (id.isPresent() && secret.isPresent()) {
            Secrets.register(secret.get());
            Optional<String> token = prop(prefix + "session-token");
            token.ifPresent(Secrets::register);
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(id.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(id.get(), secret.get()));
        }
        Optional<String> profile = prop(prefix + "profile");
        if (profile.isPresent()) {
            return ProfileCredentialsProvider.builder().profileName(profile.get()).build();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private Optional<String> env(String name) {
        return Optional.ofNullable(blankToNull(getCamelContext().resolvePropertyPlaceholders("{{env:" + name + ":}}")));
    }

    /** Current credentials for SigV4 (cached and refreshed by the SDK's providers); 503 when none can be found. */
    public AwsCredentialsIdentity credentials() {
        try {
            return credentials.resolveCredentials();
        } catch (RuntimeException e) {
            throw new ProviderUnavailable(name(), ProviderUnavailable.Reason.NOT_CONFIGURED, 0, null,
                    "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a web identity "
                            + "token, or AWS_BEARER_TOKEN_BEDROCK");
        }
    }

    public String region() {
        return region;
    }

    public Clock clock() {
        return Clock.systemUTC();
    }

    public BedrockSettings settings() {
        return settings;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public void setDefaultMaxTokens(int defaultMaxTokens) {
        this.defaultMaxTokens = defaultMaxTokens;
    }

    public void setReasoningModels(String reasoningModels) {
        this.reasoningModels = reasoningModels;
    }
}
