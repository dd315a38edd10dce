package dev.caravan.gateway;

/** Message headers the routes use to pass routing decisions (set by the router, read by provider routes). */
public final class RouteHeaders {

    /** The provider route to call: {@code direct:provider.<value>.chat}. */
    public static final String PROVIDER = "CaravanProvider";

    /** The model id as the provider knows it (without Caravan's {@code provider/} prefix). */
    public static final String MODEL = "CaravanModel";

    private RouteHeaders() {
    }
}
