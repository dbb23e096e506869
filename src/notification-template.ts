import { nameProblem } from './private/notifications';

/** How a template calls a webhook service (the `webhook.<service>` part of a notifications template). */
export interface NotificationWebhookRequest {
  /**
   * HTTP method.
   * @default "GET" (the controller's default)
   */
  readonly method?: string;
  /**
   * Path appended to the service's URL (a Go template).
   * @default - the service's URL as is
   */
  readonly path?: string;
  /**
   * Request body (a Go template, for example a JSON document).
   * @default - the template's `message`
   */
  readonly body?: string;
}

/** Props of `NotificationTemplate.of()`. */
export interface NotificationTemplateProps {
  /** Name of the template (the `template.<name>` key of the ConfigMap). */
  readonly name: string;
  /**
   * The text of the notification, a Go template over `.rollout` (the Rollout object), for example
   * `Rollout {{.rollout.metadata.name}} was aborted`. Every service sends it unless a service field below replaces it.
   */
  readonly message: string;
  /**
   * Subject of the e-mail (a Go template).
   * @default - the e-mail service's default subject
   */
  readonly emailSubject?: string;
  /**
   * Slack attachments: a Go template that renders a JSON array.
   * @default - the message only
   */
  readonly slackAttachments?: string;
  /**
   * Slack blocks: a Go template that renders a JSON array.
   * @default - the message only
   */
  readonly slackBlocks?: string;
  /**
   * The request sent to each webhook service, by service name.
   * @default - a webhook service sends the message with GET to its URL
   */
  readonly webhooks?: { [serviceName: string]: NotificationWebhookRequest };
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * A notification template (`template.<name>` of `argo-rollouts-notification-configmap`): what a trigger sends.
 * Templates are Go templates over `.rollout`, the Rollout object as the controller sees it.
 *
 * @example
 * NotificationTemplate.of({
 *   name: 'canary-aborted',
 *   message: 'Canary of {{.rollout.metadata.name}} aborted: {{.rollout.status.message}}',
 * });
 */
export class NotificationTemplate {
  /**
   * A template.
   *
   * @param props name, message and service-specific fields
   */
  public static of(props: NotificationTemplateProps): NotificationTemplate {
    return new NotificationTemplate(props);
  }

  /** The name of the template. */
  public readonly name: string;
  private readonly props: NotificationTemplateProps;

  private constructor(props: NotificationTemplateProps) {
    const where = `NotificationTemplate "${props.name}"`;
    const problem = nameProblem(props.name);
    if (problem) throw new Error(`${where}: 'name' ("${props.name}") is not a template name: ${problem}`);
    if (props.message.trim() === '') throw new Error(`${where}: 'message' is empty: give the text of the notification`);
    const texts: Array<[string, string | undefined]> = [['message', props.message], ['emailSubject', props.emailSubject],
      ['slackAttachments', props.slackAttachments], ['slackBlocks', props.slackBlocks]];
    for (const [service, request] of Object.entries(props.webhooks ?? {})) {
      const serviceProblem = nameProblem(service);
      if (serviceProblem) throw new Error(`${where}: 'webhooks' names the service "${service}": ${serviceProblem}`);
      if (request.method !== undefined && !HTTP_METHODS.includes(request.method)) {
        throw new Error(`${where}: 'webhooks.${service}.method' ("${request.method}") is not one of ${HTTP_METHODS.join(', ')}`);
      }
      texts.push([`webhooks.${service}.path`, request.path], [`webhooks.${service}.body`, request.body]);
    }
    for (const [prop, text] of texts) {
      if (text !== undefined) assertBalancedActions(where, prop, text);
    }
    this.name = props.name;
    this.props = props;
  }

  /** @internal The value of `template.<name>`, as an object (the ConfigMap holds it as YAML). */
  public _toConfig(): any {
    const p = this.props;
    const webhook: any = {};
    for (const service of Object.keys(p.webhooks ?? {}).sort()) {
      const r = p.webhooks![service];
      webhook[service] = { method: r.method, path: r.path, body: r.body };
    }
    return {
      message: p.message,
      email: p.emailSubject !== undefined ? { subject: p.emailSubject } : undefined,
      slack: p.slackAttachments !== undefined || p.slackBlocks !== undefined ? { attachments: p.slackAttachments, blocks: p.slackBlocks } : undefined,
      webhook: Object.keys(webhook).length > 0 ? webhook : undefined,
    };
  }
}

/**
 * Throws when a `{{` of a Go template is not closed by `}}` before the next `{{`: the controller would fail to parse the template, and a
 * template that does not parse makes it drop the whole configuration (notifications-engine pkg/templates NewService).
 */
function assertBalancedActions(where: string, prop: string, text: string): void {
  // outside an action '}}' is plain text; inside one, a second '{{' does not parse
  let open = false;
  let bad = false;
  for (let i = 0; i < text.length - 1 && !bad; i++) {
    const two = text.slice(i, i + 2);
    if (two === '{{') {
      bad = open;
      open = true;
      i++;
    } else if (two === '}}' && open) {
      open = false;
      i++;
    }
  }
  if (bad || open) {
    throw new Error(`${where}: '${prop}' has a '{{' without its '}}', so the Go template does not parse `
      + `and the controller would drop the whole notifications configuration: ${JSON.stringify(text)}. Close every action, for example {{.rollout.metadata.name}}`);
  }
}
