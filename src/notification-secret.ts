import { NOTIFICATIONS_SECRET, secretKeyProblem, secretReference } from './private/notifications';

/**
 * A key of the `argo-rollouts-notification-secret` Secret, which the notifications configuration refers to as
 * `$<key>`: the controller replaces the reference with the Secret's value when it sends.
 *
 * The library never writes the Secret (its values do not belong in git): create it in the namespace of the
 * `NotificationsConfig` with External Secrets, Sealed Secrets or `kubectl create secret generic`.
 *
 * @example
 * NotificationService.slack({ token: NotificationSecret.key('slack-token') });
 */
export class NotificationSecret {
  /** The name of the Secret the controller reads (in the namespace of the notifications ConfigMap). */
  public static readonly SECRET_NAME = NOTIFICATIONS_SECRET;

  /**
   * A key of the notifications Secret.
   *
   * @param key letters, digits, '-' and '_' (the controller reads a reference up to the first other character)
   */
  public static key(key: string): NotificationSecret {
    const problem = secretKeyProblem(key);
    if (problem) {
      throw new Error(`NotificationSecret.key("${key}"): ${problem}. Rename the key of ${NOTIFICATIONS_SECRET} (for example "slack-token")`);
    }
    return new NotificationSecret(key);
  }

  /** The key of the Secret. */
  public readonly secretKey: string;
  /** How the configuration refers to it: `$<key>`. */
  public readonly reference: string;

  private constructor(key: string) {
    this.secretKey = key;
    this.reference = secretReference(key);
  }
}
