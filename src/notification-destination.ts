/**
 * Who a notification goes to: a service of a notifications configuration and its recipients (Slack channels, e-mail
 * addresses, ...). Made by `NotificationService.to()`.
 *
 * @example
 * slack.to('#shop-releases', '#oncall')
 */
export class NotificationDestination {
  /** @internal */
  public static _of(service: string, recipients: string[]): NotificationDestination {
    return new NotificationDestination(service, recipients);
  }

  /** The name of the service (the `<service>` of the subscription annotation). */
  public readonly service: string;
  /** The recipients (a copy). Empty for a webhook, which has no recipients. */
  public get recipients(): string[] {
    return [...this._recipients];
  }

  private constructor(service: string, private readonly _recipients: string[]) {
    this.service = service;
  }
}
