package dev.caravan.ops.hawtio;

import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * The JAAS login module Hawtio calls for a console login or a Basic-authenticated Jolokia request. It checks the
 * name and password against {@link HawtioAccounts} (passed in the module options, so no global JAAS file or
 * {@code java.security.auth.login.config} is involved) and grants {@link HawtioRole} {@code admin}.
 */
public final class HawtioLoginModule implements LoginModule {

    static final String ACCOUNTS = "accounts";

    private Subject subject;
    private CallbackHandler handler;
    private HawtioAccounts accounts;
    private String user;

    /** The JAAS configuration of one realm, handed to Hawtio directly. */
    static Configuration configuration(String realm, HawtioAccounts accounts) {
        AppConfigurationEntry entry = new AppConfigurationEntry(HawtioLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of(ACCOUNTS, accounts));
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return realm.equals(name) ? new AppConfigurationEntry[] {entry} : null;
            }
        };
    }

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.handler = handler;
        this.accounts = (HawtioAccounts) options.get(ACCOUNTS);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException("credentials could not be read");
        }
        char[] pw = password.getPassword();
        try {
            if (accounts == null || !accounts.check(name.getName(), pw)) {
                throw new FailedLoginException("invalid user or password");
            }
        } finally {
            password.clearPassword();
        }
        user = name.getName();
        return true;
    }

    @Override
    public boolean commit() {
        subject.getPrincipals().add(new HawtioUser(user));
        subject.getPrincipals().add(new HawtioRole(HawtioAccounts.ROLE));
        return true;
    }

    @Override
    public boolean abort() {
        user = null;
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeIf(p -> p instanceof HawtioUser || p instanceof HawtioRole);
        return true;
    }
}
