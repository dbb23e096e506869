import { NotificationDestination } from './notification-destination';
import { NotificationSecret } from './notification-secret';
import { inlineCredential, nameProblem, SERVICE_TYPES, settingStrings } from './private/notifications';

/** Props of `NotificationService.slack()`. */
export interface SlackNotificationServiceProps {
  /**
   * Name of the service (the `<service>` of subscriptions).
   * @default "slack"
   */
  readonly name?: string;
  /** The bot token (`xoxb-...`), from the notifications Secret. */
  readonly token: NotificationSecret;
  /**
   * The signing secret, for interactive messages.
   * @default - none
   */
  readonly signingSecret?: NotificationSecret;
  /**
   * The name the messages are posted as.
   * @default - the bot's name
   */
  readonly username?: string;
  /**
   * An emoji or image URL shown with the messages.
   * @default - the bot's icon
   */
  readonly icon?: string;
  /**
   * The Slack API URL (for a Slack-compatible server).
   * @default - https://slack.com/api/
   */
  readonly apiUrl?: string;
}

/** Props of `NotificationService.webhook()`. */
export interface WebhookNotificationServiceProps {
  /** Name of the service (the `<service>` of subscriptions, and the key of `NotificationTemplateProps.webhooks`). */
  readonly name: string;
  /**
   * The URL, when it holds no credential (an incoming-webhook URL of Slack, Teams or Discord does: use `urlFromSecret`).
   * @default - `urlFromSecret`
   */
  readonly url?: string;
  /**
   * The URL, from the notifications Secret.
   * @default - `url`
   */
  readonly urlFromSecret?: NotificationSecret;
  /**
   * Headers with values that are no credential.
   * @default - none
   */
  readonly headers?: { [name: string]: string };
  /**
   * Headers with values from the notifications Secret (for example `Authorization`).
   * @default - none
   */
  readonly secretHeaders?: { [name: string]: NotificationSecret };
  /**
   * Basic authentication: the user name.
   * @default - no basic authentication
   */
  readonly basicAuthUsername?: string;
  /**
   * Basic authentication: the password, from the notifications Secret.
   * @default - no basic authentication
   */
  readonly basicAuthPassword?: NotificationSecret;
}

/** Props of `NotificationService.teams()`. */
export interface TeamsNotificationServiceProps {
  /**
   * Name of the service.
   * @default "teams"
   */
  readonly name?: string;
  /** The incoming-webhook URL of each recipient (channel), from the notifications Secret: the recipients of subscriptions. */
  readonly recipientUrls: { [recipient: string]: NotificationSecret };
}

/** Props of `NotificationService.email()`. */
export interface EmailNotificationServiceProps {
  /**
   * Name of the service.
   * @default "email"
   */
  readonly name?: string;
  /** SMTP server host. */
  readonly host: string;
  /** SMTP server port. */
  readonly port: number;
  /** Sender address (`from`). */
  readonly sender: string;
  /**
   * SMTP user name.
   * @default - no authentication
   */
  readonly username?: string;
  /**
   * SMTP password, from the notifications Secret.
   * @default - no authentication
   */
  readonly password?: NotificationSecret;
}

/** Props of `NotificationService.custom()`. */
export interface CustomNotificationServiceProps {
  /** The service type, one notifications-engine v0.5.0 knows (`opsgenie`, `pagerdutyv2`, `googlechat`, `telegram`, ...). */
  readonly serviceType: string;
  /**
   * Name of the service.
   * @default - the service type
   */
  readonly name?: string;
  /**
   * Settings that are no credential, by key (top-level keys of the service's settings).
   * @default - none
   */
  readonly settings?: { [key: string]: string };
  /**
   * Settings from the notifications Secret, by key (for example `apiKey`).
   * @default - none
   */
  readonly secretSettings?: { [key: string]: NotificationSecret };
}

/**
 * A notification service of a notifications configuration (`service.<type>[.<name>]` of
 * `argo-rollouts-notification-configmap`): where notifications go, with its credentials as references to the
 * notifications Secret (`NotificationSecret`), never as values.
 *
 * @example
 * const slack = NotificationService.slack({ token: NotificationSecret.key('slack-token') });
 * RolloutNotification.onRolloutAborted(slack.to('#shop-releases'));
 */
export class NotificationService {
  /**
   * Slack (a bot token with `chat:write`); recipients are channels.
   *
   * @param props the token and the name
   */
  public static slack(props: SlackNotificationServiceProps): NotificationService {
    return new NotificationService('slack', props.name ?? 'slack', {
      token: props.token.reference,
      signingSecret: props.signingSecret?.reference,
      username: props.username,
      icon: props.icon,
      apiURL: props.apiUrl,
    }, true);
  }

  /**
   * A webhook: an HTTP request to a URL; subscriptions name no recipient (`to()` without arguments).
   *
   * @param props the URL, headers and name
   */
  public static webhook(props: WebhookNotificationServiceProps): NotificationService {
    const where = `NotificationService.webhook "${props.name}"`;
    if ((props.url === undefined) === (props.urlFromSecret === undefined)) {
      throw new Error(`${where}: set exactly one of 'url' and 'urlFromSecret' (use 'urlFromSecret' when the URL holds a credential)`);
    }
    if ((props.basicAuthUsername === undefined) !== (props.basicAuthPassword === undefined)) {
      throw new Error(`${where}: set both 'basicAuthUsername' and 'basicAuthPassword', or neither`);
    }
    const headers = [
      ...Object.entries(props.headers ?? {}).map(([name, value]) => ({ name, value })),
      ...Object.entries(props.secretHeaders ?? {}).map(([name, secret]) => ({ name, value: secret.reference })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return new NotificationService('webhook', props.name, {
      url: props.url ?? props.urlFromSecret!.reference,
      headers: headers.length > 0 ? headers : undefined,
      basicAuth: props.basicAuthPassword ? { username: props.basicAuthUsername, password: props.basicAuthPassword.reference } : undefined,
    }, false);
  }

  /**
   * Microsoft Teams incoming webhooks; recipients are the keys of `recipientUrls`.
   *
   * @param props the webhook URL of each recipient
   */
  public static teams(props: TeamsNotificationServiceProps): NotificationService {
    const urls: { [k: string]: string } = {};
    for (const r of Object.keys(props.recipientUrls).sort()) urls[r] = props.recipientUrls[r].reference;
    if (Object.keys(urls).length === 0) throw new Error("NotificationService.teams: 'recipientUrls' is empty: give the webhook URL of at least one channel");
    return new NotificationService('teams', props.name ?? 'teams', { recipientUrls: urls }, true, Object.keys(urls));
  }

  /**
   * E-mail over SMTP; recipients are addresses.
   *
   * @param props the server, sender and credentials
   */
  public static email(props: EmailNotificationServiceProps): NotificationService {
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) {
      throw new Error(`NotificationService.email: 'port' (${props.port}) must be an integer between 1 and 65535`);
    }
    return new NotificationService('email', props.name ?? 'email', {
      host: props.host,
      port: props.port,
      from: props.sender,
      username: props.username,
      password: props.password?.reference,
    }, true);
  }

  /**
   * Another service type of notifications-engine, with flat settings.
   *
   * @param props type, name and settings
   */
  public static custom(props: CustomNotificationServiceProps): NotificationService {
    if (!SERVICE_TYPES.includes(props.serviceType)) {
      throw new Error(`NotificationService.custom: 'serviceType' ("${props.serviceType}") is not a service type the controller knows ("service type '${props.serviceType}' is not supported"): `
        + `use one of ${SERVICE_TYPES.join(', ')}`);
    }
    const settings: { [k: string]: string } = {};
    for (const k of Object.keys(props.settings ?? {})) settings[k] = props.settings![k];
    for (const k of Object.keys(props.secretSettings ?? {})) {
      if (k in settings) throw new Error(`NotificationService.custom: the setting "${k}" is in both 'settings' and 'secretSettings': keep one`);
      settings[k] = props.secretSettings![k].reference;
    }
    const sorted: { [k: string]: string } = {};
    for (const k of Object.keys(settings).sort()) sorted[k] = settings[k];
    return new NotificationService(props.serviceType, props.name ?? props.serviceType, sorted, props.serviceType !== 'webhook');
  }

  /**
   * A service that a configuration outside this app defines (the cluster's), known by name only: for
   * `ExternalNotificationsConfig`.
   *
   * @param name the service name
   */
  public static named(name: string): NotificationService {
    return new NotificationService(undefined, name, undefined, undefined);
  }

  /** Name of the service. */
  public readonly name: string;
  /**
   * The service type (`slack`, `webhook`, ...).
   * @default - unknown: a service of an external configuration
   */
  public readonly serviceType?: string;

  private constructor(
    type: string | undefined,
    name: string,
    private readonly settings: any,
    /** Whether subscriptions must name recipients (undefined: unknown). */
    private readonly needsRecipients: boolean | undefined,
    /** The only recipients the service knows, if it has a fixed list. */
    private readonly knownRecipients?: string[],
  ) {
    const where = `NotificationService${type ? `.${type}` : ''} "${name}"`;
    const problem = nameProblem(name);
    if (problem) throw new Error(`${where}: 'name' ("${name}") is not a service name: ${problem}`);
    for (const s of settingStrings(settings ?? {})) {
      const why = inlineCredential(s.path, s.value, s.headerName);
      if (why) {
        throw new Error(`${where}: the value of '${s.path}' is written inline, but ${why}: the manifests go to git, so a credential `
          + `must come from the notifications Secret. Put it in ${NotificationSecret.SECRET_NAME} and pass NotificationSecret.key('<key>') instead`);
      }
    }
    this.serviceType = type;
    this.name = name;
  }

  /**
   * Where subscriptions send through this service: the recipients (Slack channels, e-mail addresses, Teams channels
   * named in `recipientUrls`; none for a webhook).
   *
   * @param recipients the recipients
   */
  public to(...recipients: string[]): NotificationDestination {
    const where = `NotificationService "${this.name}".to()`;
    for (const r of recipients) {
      if (r.trim() === '' || r !== r.trim() || r.includes(';')) {
        throw new Error(`${where}: the recipient ${JSON.stringify(r)} cannot be written in a subscription: recipients are separated by ';' `
          + 'and trimmed, so a recipient is not empty, has no \';\' and no leading or trailing space');
      }
    }
    if (new Set(recipients).size !== recipients.length) throw new Error(`${where}: a recipient is listed twice (${recipients.join(', ')})`);
    if (this.needsRecipients === true && recipients.length === 0) {
      throw new Error(`${where}: no recipient: a ${this.serviceType} service sends to recipients (for example a channel), name at least one`);
    }
    if (this.needsRecipients === false && recipients.length > 0) {
      throw new Error(`${where}: a ${this.serviceType} service has no recipients (it calls its URL), so ${recipients.join(', ')} would be ignored: call to() without arguments`);
    }
    const unknown = this.knownRecipients ? recipients.filter(r => !this.knownRecipients!.includes(r)) : [];
    if (unknown.length > 0) {
      throw new Error(`${where}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in its 'recipientUrls' (${this.knownRecipients!.join(', ')}): add the webhook URL or fix the name`);
    }
    return NotificationDestination._of(this.name, [...recipients]);
  }

  /** @internal The key of the service in the ConfigMap: `service.<type>` when the name is the type, else `service.<type>.<name>`. */
  public _configKey(): string | undefined {
    if (this.serviceType === undefined) return undefined;
    return this.name === this.serviceType ? `service.${this.serviceType}` : `service.${this.serviceType}.${this.name}`;
  }

  /** @internal The settings, as an object (the ConfigMap holds them as YAML); undefined for a service known by name only. */
  public _toConfig(): any {
    return this.settings;
  }
}
