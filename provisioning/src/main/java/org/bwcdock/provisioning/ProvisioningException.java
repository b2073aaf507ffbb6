package org.bwcdock.provisioning;

/** An expected failure: one clear line for IT staff, exit code 1, nothing written. */
final class ProvisioningException extends Exception {
    ProvisioningException(String message) {
        super(message);
    }

    ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
