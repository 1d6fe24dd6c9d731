/**
 * Policies the LSP and e2e assertion tests add to the guide's workspace: shared so both suites
 * change the same thing.
 */

/** Isolates the database pods for ingress with no rule: frontend → database becomes blocked. */
export const DATABASE_DENY_INGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: database-deny-ingress
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: database
  policyTypes: [Ingress]
`;
