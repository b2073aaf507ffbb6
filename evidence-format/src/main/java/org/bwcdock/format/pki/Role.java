package org.bwcdock.format.pki;

/**
 * What one key of the agency may do. Each role is marked in its certificate by a certificate
 * policy under {@link Roles#ARC}, with key usages and extended key usages to match
 * (docs/provisioning.md lists them); one key, one role.
 */
public enum Role {
    /** TLS client to the receiver and broker, signs its own manifests; SAN {@code urn:bwcdock:dock:<id>}. */
    DOCK("dock", 1),
    /** TLS server: the evidence receiver (and the MQTT broker). */
    EVIDENCE_RECEIVER("evidence receiver", 2),
    /** Signs receipts, and nothing else: the only key that can release a wipe. */
    RECEIPT_SIGNER("receipt signer", 3),
    /** Decrypts footage (key transport or agreement), never signs. */
    EVIDENCE_RECIPIENT("evidence recipient", 4),
    /** MQTT client of the back office. */
    BACK_OFFICE("back office", 5);

    private final String label;
    private final String policy;

    Role(String label, int arc) {
        this.label = label;
        this.policy = Roles.ARC + ".1." + arc;
    }

    /** How messages name the role. */
    public String label() {
        return label;
    }

    /** The certificate policy OID that marks a certificate with this role. */
    public String policyOid() {
        return policy;
    }
}
