// The local OpenID provider: npm `oidc-provider` (a certified OpenID Provider) set up to
// look like the agencies' AWS Cognito user pools. LOCAL RUNS AND TESTS ONLY.
//
//   node integrations/oidc/devprovider/server.mjs
//
// Environment:
//   OIDC_DEV_PORT     port on 127.0.0.1 (default 8009)
//   OIDC_DEV_ISSUER   issuer URL (default http://127.0.0.1:<port>)
//   OIDC_DEV_CLIENTS  JSON file: [{client_id, client_secret, agency, redirect_uris,
//                     post_logout_redirect_uris}], one client per agency deployment
//   OIDC_DEV_USERS    JSON file of accounts per agency (default: users.json beside this
//                     file). Read at every sign-in, so tests change a person's groups or
//                     e-mail by editing it; hosted sign-up appends to it.
//
// Like Cognito, ID tokens carry `cognito:groups`, `cognito:username`, `token_use: "id"`,
// `auth_time`, e-mail and names; userinfo carries no groups. Staff demo accounts have
// `mfa: true`, and their sign-in claims `amr: ["pwd", "mfa"]`: this provider asks no
// second factor, it states one (docs/sign-in.md). The signing keys are committed, public
// and for development only, so tests can forge tokens with the real key.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { interactionPolicy } from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.OIDC_DEV_PORT || 8009);
const issuer = process.env.OIDC_DEV_ISSUER || `http://127.0.0.1:${port}`;
const usersFile = process.env.OIDC_DEV_USERS || join(here, 'users.json');
const clients = JSON.parse(readFileSync(process.env.OIDC_DEV_CLIENTS, 'utf8'));
const { keys } = JSON.parse(readFileSync(join(here, 'dev-only-signing-keys.json'), 'utf8'));
const agencyOf = new Map(clients.map((c) => [c.client_id, c.agency]));

function readUsers() {
  return JSON.parse(readFileSync(usersFile, 'utf8'));
}

function accountsOf(agency) {
  return readUsers().agencies[agency] || [];
}

function findBySub(sub) {
  for (const people of Object.values(readUsers().agencies)) {
    const found = people.find((p) => p.sub === sub);
    if (found) return found;
  }
  return undefined;
}

function addAccount(agency, person) {
  const data = readUsers();
  (data.agencies[agency] ||= []).push(person);
  writeFileSync(`${usersFile}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(`${usersFile}.tmp`, usersFile);
}

function claimsOf(person, use) {
  const claims = {
    sub: person.sub,
    email: person.email,
    email_verified: person.email_verified !== false,
    given_name: person.given_name,
    family_name: person.family_name,
    name: `${person.given_name} ${person.family_name}`.trim(),
    preferred_username: person.username,
  };
  if (use === 'id_token') {
    // Cognito puts the groups only into its tokens, never into userinfo.
    claims['cognito:groups'] = person.groups;
    claims['cognito:username'] = person.username;
    claims.token_use = 'id';
  }
  return claims;
}

// prompt=create (OpenID Connect "Initiating User Registration") opens the sign-up page,
// as Cognito's hosted /signup does.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'create', requestable: true }), 0);

const provider = new Provider(issuer, {
  clients: clients.map(({ agency, ...client }) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    require_auth_time: true,
    ...client,
  })),
  jwks: { keys },
  cookies: { keys: ['dev-only-cookie-key-not-secret'] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'auth_time', 'amr', 'cognito:groups', 'cognito:username', 'token_use'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  },
  scopes: ['openid', 'email', 'profile'],
  discovery: { prompt_values_supported: ['none', 'login', 'consent', 'create'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 3600, IdToken: 3600, AccessToken: 3600, Interaction: 600, Grant: 3600 },
  async findAccount(ctx, sub) {
    const person = findBySub(sub);
    if (!person) return undefined;
    return { accountId: sub, claims: async (use) => claimsOf(findBySub(sub) || person, use) };
  },
  // First-party clients: the person has nothing to consent to.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<p>${escape(out.error)}: ${escape(out.error_description)}</p>`);
  },
});

async function logoutSource(ctx, form) {
  ctx.body = page(
    'Sign out',
    `${form}<p>Sign out of the Credit Genie development sign-in?</p>
     <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`,
  );
}

function escape(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The sign-in and sign-up pages speak the consumer's language: the agency's site sends its
// page language as ui_locales (OpenID Connect); the page's own switch (?lang=) changes it.
const WORDS = {
  en: {
    banner: '<strong>Credit Genie development sign-in</strong> (local runs only)',
    signIn: (agency) => `Sign in to ${agency}`, signUp: (agency) => `Create your account with ${agency}`,
    username: 'Username', password: 'Password', submitIn: 'Sign in', submitUp: 'Create account',
    given: 'First name', family: 'Last name', email: 'E-mail', cancel: 'Cancel',
    wrong: 'Wrong username or password.', exists: 'An account with this e-mail exists.',
    hint: 'At least 12 characters.', other: 'es', otherName: 'Español',
  },
  es: {
    banner: '<strong>Inicio de sesión de desarrollo de Credit Genie</strong> (solo en ejecución local)',
    signIn: (agency) => `Iniciar sesión en ${agency}`, signUp: (agency) => `Cree su cuenta con ${agency}`,
    username: 'Usuario', password: 'Contraseña', submitIn: 'Iniciar sesión', submitUp: 'Crear cuenta',
    given: 'Nombre', family: 'Apellido', email: 'Correo electrónico', cancel: 'Cancelar',
    wrong: 'Usuario o contraseña incorrectos.', exists: 'Ya existe una cuenta con este correo electrónico.',
    hint: 'Al menos 12 caracteres.', other: 'en', otherName: 'English',
  },
};

function languageOf(req, details) {
  const asked = new URL(req.url, issuer).searchParams.get('lang');
  const wanted = asked || String(details.params.ui_locales || '').split(' ')[0];
  return wanted.toLowerCase().startsWith('es') ? 'es' : 'en';
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;line-height:1.5}
main{max-width:30rem;margin:0 auto;padding:1rem}label{display:block;margin-top:1rem;font-weight:600}
input{box-sizing:border-box;width:100%;font-size:1rem;padding:.5rem;border:1px solid #565c65}
button{margin-top:1.5rem;font-size:1rem;padding:.75rem 1.25rem;background:#005ea2;color:#fff;border:0;border-radius:.25rem}
a{color:#005ea2}.hint{color:#565c65;font-size:.9rem}[role=alert]{color:#b50909;font-weight:600}`;

function page(title, body, lang = 'en', uid = '') {
  const w = WORDS[lang];
  const other = uid
    ? `<p><a href="/interaction/${uid}?lang=${w.other}" lang="${w.other}">${w.otherName}</a></p>`
    : '';
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>${STYLE}</style></head>
<body><main><p>${w.banner}</p>${other}
<h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, agency, lang, message) {
  const w = WORDS[lang];
  return page(
    w.signIn(agency),
    `${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login?lang=${lang}">
<label for="username">${w.username}</label> <input id="username" name="username" autocomplete="username" required>
<label for="password">${w.password}</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${w.submitIn}</button></form>
<p><a href="/interaction/${uid}/abort">${w.cancel}</a></p>`,
    lang,
    uid,
  );
}

function signupForm(uid, agency, lang, message) {
  const w = WORDS[lang];
  return page(
    w.signUp(agency),
    `${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${uid}/signup?lang=${lang}">
<label for="given_name">${w.given}</label> <input id="given_name" name="given_name" autocomplete="given-name" required>
<label for="family_name">${w.family}</label> <input id="family_name" name="family_name" autocomplete="family-name" required>
<label for="email">${w.email}</label> <input id="email" name="email" type="email" autocomplete="email" required>
<label for="password">${w.password}</label> <input id="password" name="password" type="password" minlength="12" autocomplete="new-password" aria-describedby="password-hint" required>
<p class="hint" id="password-hint">${w.hint}</p>
<button type="submit">${w.submitUp}</button></form>
<p><a href="/interaction/${uid}/abort">${w.cancel}</a></p>`,
    lang,
    uid,
  );
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

function loginResult(person) {
  // The simulated MFA step: accounts marked mfa authenticate with password + second factor.
  const amr = person.mfa ? ['pwd', 'mfa'] : ['pwd'];
  return { login: { accountId: person.sub, amr, ts: Math.floor(Date.now() / 1000) } };
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  const agency = agencyOf.get(details.params.client_id);
  const creating = details.prompt.name === 'create';
  const lang = languageOf(req, details);
  if (action === 'abort') {
    const result = { error: 'access_denied', error_description: 'The person cancelled sign-in' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  if (req.method === 'GET') {
    return send(res, 200, creating ? signupForm(uid, agency, lang) : loginForm(uid, agency, lang));
  }
  const form = await formBody(req);
  if (action === 'signup') {
    const person = {
      username: form.get('email'), sub: randomUUID(), password: form.get('password'),
      email: form.get('email'), email_verified: true, given_name: form.get('given_name'),
      family_name: form.get('family_name'), groups: ['consumer'], mfa: false,
    };
    if (accountsOf(agency).some((p) => p.username === person.username)) {
      return send(res, 400, signupForm(uid, agency, lang, WORDS[lang].exists));
    }
    addAccount(agency, person);
    return provider.interactionFinished(req, res, { create: {}, ...loginResult(person) });
  }
  const person = accountsOf(agency).find((p) => p.username === form.get('username'));
  if (!person || person.password !== form.get('password')) {
    return send(res, 401, loginForm(uid, agency, lang, WORDS[lang].wrong));
  }
  return provider.interactionFinished(req, res, loginResult(person));
}

const oidc = provider.callback();
const INTERACTION = /^\/interaction\/([\w-]+)(?:\/(login|signup|abort))?$/;

http
  .createServer(async (req, res) => {
    const match = INTERACTION.exec(new URL(req.url, issuer).pathname);
    if (!match) return oidc(req, res);
    try {
      return await interaction(req, res, match[1], match[2]);
    } catch (err) {
      return send(res, 400, page('Sign-in error', `<p>${escape(err.message)}</p>`));
    }
  })
  .listen(port, '127.0.0.1', () => {
    console.log(`dev OpenID provider ${issuer} (clients: ${[...agencyOf.keys()].join(', ')})`);
  });
