"""Sign-in through the agency's OpenID provider (AWS Cognito; the npm `oidc-provider`
locally). docs/sign-in.md."""
