package org.bwcdock.sandbox;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ListenerType;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The sandbox broker's back-office ACL, as an embedded HiveMQ extension: on the secure WebSocket
 * listener only the back-office user with its password gets in, and it may only subscribe under
 * {@code bwcdock/v1/docks/#} (no publish, so no commands). The plain TCP listener on loopback stays
 * open to the sandbox's own dock, as before. A production broker does the same with its own ACL
 * (docs/operations.md).
 */
final class BackOfficeAccess implements ExtensionMain {
    static final String USER = "backoffice";
    static final String READABLE = "bwcdock/v1/docks/#";
    private final byte[] password;

    BackOfficeAccess(String password) {
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    EmbeddedExtension extension() {
        return EmbeddedExtension.builder().withId("bwcdock-back-office-access").withName("bwcdock back-office access")
                .withVersion("1").withPriority(1000).withStartPriority(1000).withAuthor("bwcdock").withExtensionMain(this).build();
    }

    @Override
    public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
        SimpleAuthenticator authenticator = this::authenticate;
        Services.securityRegistry().setAuthenticatorProvider(input -> authenticator);
    }

    @Override
    public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
    }

    private void authenticate(SimpleAuthInput in, SimpleAuthOutput out) {
        ListenerType listener = in.getConnectionInformation().getListener().map(l -> l.getListenerType()).orElse(ListenerType.TCP_LISTENER);
        if (listener == ListenerType.TCP_LISTENER) {
            out.authenticateSuccessfully(); // loopback only: the sandbox's dock and its own back office
            return;
        }
        boolean user = in.getConnectPacket().getUserName().filter(USER::equals).isPresent();
        byte[] given = in.getConnectPacket().getPassword().map(BackOfficeAccess::bytes).orElse(new byte[0]);
        if (!user || !MessageDigest.isEqual(given, password)) {
            out.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "back office: wrong user or password");
            return;
        }
        out.getDefaultPermissions().add(Builders.topicPermission().topicFilter(READABLE).type(TopicPermission.PermissionType.ALLOW)
                .activity(TopicPermission.MqttActivity.SUBSCRIBE).build());
        out.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        out.authenticateSuccessfully();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
