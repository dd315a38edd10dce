package dev.caravan.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Prices, context windows and output limits of the models Caravan can route to: the generated
 * {@code catalog/models.yaml} with the user's {@code config/models.yaml} on top. Lookups are by Caravan's provider
 * name and the provider's model id; a model id that is a dated snapshot or an alias finds its entry through the
 * entry's match rules, and some providers fall back to another one's list (Azure to OpenAI's).
 *
 * <p>Thread-safe; cheap to call on the request path (lookups are memoized). The catalog may change at run time
 * when {@code config/models.yaml} is edited: {@link #generation()} then changes.
 */
public interface PriceCatalog {

    /** The entry for {@code model} of {@code provider}, if the catalog knows it (priced or not). */
    Optional<ModelInfo> find(String provider, String model);

    /** Every entry, overrides applied, in catalog order. */
    List<ModelInfo> models();

    /** Increases each time the catalog is reloaded. */
    long generation();

    /** {@code find} for a Caravan model id {@code provider/model}. */
    default Optional<ModelInfo> find(String providerSlashModel) {
        int slash = providerSlashModel == null ? -1 : providerSlashModel.indexOf('/');
        if (slash <= 0 || slash == providerSlashModel.length() - 1) {
            return Optional.empty();
        }
        return find(providerSlashModel.substring(0, slash), providerSlashModel.substring(slash + 1));
    }

    /** The entry, only if it has a price. */
    default Optional<ModelInfo> priced(String provider, String model) {
        return find(provider, model).filter(ModelInfo::isPriced);
    }

    default OptionalInt contextWindow(String provider, String model) {
        return find(provider, model).map(ModelInfo::contextWindow).map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    default OptionalInt maxOutput(String provider, String model) {
        return find(provider, model).map(ModelInfo::maxOutput).map(OptionalInt::of).orElse(OptionalInt.empty());
    }
}
