"""API access for the current project: access keys (EC2), application credentials and
openrc / clouds.yaml files (OpenStack).

Files are built here from what the dashboard knows (auth URL, region, the
user's and project's ids and names) plus, for a just-created credential,
the id and secret the user hands back from the one-time page.  No secret is
ever stored: a new secret lives in one response only.
"""

import re
import shlex
from dataclasses import dataclass
from datetime import datetime

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..context import NovaContext
from ..events import records
from ..exceptions import InvalidInput, NotFound, QuotaExceeded
from ..resources import AccessKey, ApplicationCredential, NewAccessKey, NewApplicationCredential


def limit_message(most: int) -> str:
    return ngettext(
        "You already have %(most)d access key, the most AWS allows one user. "
        "Delete it if you no longer use it (deactivate it first to check nothing needs it), "
        "then create a new one.",
        "You already have %(most)d access keys, the most AWS allows one user. "
        "Delete one you no longer use (deactivate it first to check nothing needs it), "
        "then create a new one.", most) % {"most": most}


@dataclass(frozen=True)
class AccessKeysOverview:
    endpoint: str
    region: str
    user_name: str
    keys: list[AccessKey]
    max_keys: int

    @property
    def at_limit(self) -> bool:
        return len(self.keys) >= self.max_keys


def _shell_exports(values: list[tuple[str, str]]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values)


def _yaml(header: str, clouds: dict) -> str:
    return header + yaml.safe_dump({"clouds": clouds}, sort_keys=False, default_flow_style=False,
                                   allow_unicode=True)


def profile_name(project_name: str) -> str:
    """An AWS CLI profile name from the project's name (INI section safe)."""
    return "nova-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", project_name).strip("-") or "project")


class CredentialService:
    def __init__(self, context: NovaContext):
        self.context = context
        self.cloud = context.cloud

    @property
    def has_access_keys(self) -> bool:
        return self.cloud.access_keys is not None

    @property
    def has_application_credentials(self) -> bool:
        return self.cloud.application_credentials is not None

    # --- EC2: the dashboard user's IAM access keys in the project's account ---------------

    @property
    def _keys(self):
        if self.cloud.access_keys is None:
            raise NotFound(_("This cloud has no access keys."))
        return self.cloud.access_keys

    @property
    def iam_user(self) -> str:
        return self._keys.user_name_for(self.context.user.get_username())

    def access_keys_overview(self) -> AccessKeysOverview:
        return AccessKeysOverview(endpoint=self.cloud.api_endpoint(), region=self.context.region,
                                  user_name=self.iam_user,
                                  keys=self._keys.list_access_keys(self.iam_user),
                                  max_keys=self._keys.max_keys)

    def access_key(self, key_id: str) -> AccessKey:
        """One of the user's own keys; any other id (another user's) is NotFound."""
        for key in self._keys.list_access_keys(self.iam_user):
            if key.id == key_id:
                return key
        raise NotFound(_("You have no access key %(id)s in this project.") % {"id": key_id})

    @records("access-key.create", made="key.id")
    def create_access_key(self) -> NewAccessKey:
        most = self._keys.max_keys
        if len(self._keys.list_access_keys(self.iam_user)) >= most:
            raise QuotaExceeded(limit_message(most))
        try:
            return self._keys.create_access_key(self.iam_user)
        except QuotaExceeded as error:  # a key created meanwhile, in another tab
            raise QuotaExceeded(limit_message(most), error.code) from error

    @records("access-key.set-status", "key_id")
    def set_access_key_status(self, key_id: str, active: bool) -> None:
        self._keys.set_access_key_status(self.iam_user, key_id, active)

    @records("access-key.delete", "key_id")
    def delete_access_key(self, key_id: str) -> None:
        self._keys.delete_access_key(self.iam_user, key_id)

    def aws_credentials_file(self, key_id: str, secret: str) -> str:
        """An AWS CLI ``credentials`` profile for the key, with the matching config lines."""
        profile = profile_name(self.context.project.name)
        endpoint = self.cloud.api_endpoint()
        config = [f"# [profile {profile}]", f"# region = {self.context.region}"]
        if self.context.config.get("ENDPOINT"):
            config.append(f"# endpoint_url = {endpoint}")
        return "\n".join([
            "# AWS CLI credentials made by django-nova. Add this profile to ~/.aws/credentials",
            "# (chmod 600) and these lines to ~/.aws/config:",
            *config,
            f"# Then: aws --profile {profile} ec2 describe-instances",
            f"[{profile}]",
            f"aws_access_key_id = {key_id}",
            f"aws_secret_access_key = {secret}",
            "",
        ])

    def aws_env_file(self, key_id: str, secret: str) -> str:
        """The key as environment variables for any AWS SDK or the CLI."""
        values = [("AWS_ACCESS_KEY_ID", key_id), ("AWS_SECRET_ACCESS_KEY", secret),
                  ("AWS_DEFAULT_REGION", self.context.region)]
        if self.context.config.get("ENDPOINT"):
            values.append(("AWS_ENDPOINT_URL", self.cloud.api_endpoint()))
        return ("# AWS credentials made by django-nova. Load them with:  . ./aws-env.sh\n"
                "unset AWS_SESSION_TOKEN AWS_PROFILE\n" + _shell_exports(values))

    # --- OpenStack: application credentials and openrc / clouds.yaml -----------------------

    @property
    def _keystone(self):
        return self.context.access

    def current_roles(self) -> list[str]:
        """The user's roles in the current project: what a new credential may get."""
        return sorted(self._keystone.roles)

    @property
    def _credentials(self):
        if self.cloud.application_credentials is None:
            raise NotFound(_("This cloud has no application credentials."))
        return self.cloud.application_credentials

    def application_credentials(self) -> list[ApplicationCredential]:
        return self._credentials.list_application_credentials()

    def application_credential(self, credential_id: str) -> ApplicationCredential:
        for credential in self.application_credentials():
            if credential.id == credential_id:
                return credential
        raise NotFound(_("You have no application credential %(id)s in this project.")
                       % {"id": credential_id})

    @records("application-credential.create", "name", made="credential.id")
    def create_application_credential(self, name: str, description: str,
                                      expires_at: datetime | None,
                                      roles: list[str]) -> NewApplicationCredential:
        extra = set(roles) - set(self.current_roles())
        if extra:
            raise InvalidInput(_("You can only delegate roles you have in this project."))
        return self._credentials.create_application_credential(name, description, expires_at,
                                                               list(roles))

    @records("application-credential.delete", "credential_id")
    def delete_application_credential(self, credential_id: str) -> None:
        self._credentials.delete_application_credential(credential_id)

    def _where(self) -> list[tuple[str, str]]:
        cloud = self.context.config
        return [("OS_AUTH_URL", cloud["AUTH_URL"]), ("OS_IDENTITY_API_VERSION", "3"),
                ("OS_REGION_NAME", self.context.region),
                ("OS_INTERFACE", cloud.get("INTERFACE", "public"))]

    def _who(self) -> dict:
        body = (self._keystone.token_body or {}).get("token", {})  # Keystone's v3 token body
        user_domain = (body.get("user", {}).get("domain", {}).get("name")
                       or self._keystone.domain)
        project_domain = body.get("project", {}).get("domain", {}).get("id") or ""
        return {"username": self._keystone.user_name, "user_domain_name": user_domain,
                "project_id": self.context.project.id,
                "project_name": self.context.project.name,
                "project_domain_id": project_domain}

    def _cloud_entry(self, auth: dict, auth_type: str = "") -> dict:
        cloud = self.context.config
        entry = {"auth_type": auth_type} if auth_type else {}
        entry.update({"auth": {"auth_url": cloud["AUTH_URL"], **auth},
                      "region_name": self.context.region,
                      "interface": cloud.get("INTERFACE", "public"),
                      "identity_api_version": 3})
        return entry

    def project_openrc(self) -> str:
        """The usual openrc for the current project; it asks for the password, never holds it."""
        who = self._who()
        return (
            "#!/usr/bin/env bash\n"
            "# OpenStack credentials made by django-nova. Load them in bash with:  . ./openrc\n"
            "# It asks for your password; this file never holds it.\n"
            "unset OS_AUTH_TYPE OS_APPLICATION_CREDENTIAL_ID OS_APPLICATION_CREDENTIAL_SECRET"
            " OS_TENANT_ID OS_TENANT_NAME OS_CLOUD\n"
            + _shell_exports(self._where() + [
                ("OS_USERNAME", who["username"]),
                ("OS_USER_DOMAIN_NAME", who["user_domain_name"]),
                ("OS_PROJECT_ID", who["project_id"]),
                ("OS_PROJECT_NAME", who["project_name"]),
                ("OS_PROJECT_DOMAIN_ID", who["project_domain_id"])])
            + 'printf "Password for OpenStack user %s in project %s: " '
              '"$OS_USERNAME" "$OS_PROJECT_NAME"\n'
            "read -sr OS_PASSWORD_INPUT\n"
            "echo\n"
            'export OS_PASSWORD="$OS_PASSWORD_INPUT"\n'
            "unset OS_PASSWORD_INPUT\n")

    def project_clouds_yaml(self) -> str:
        header = (
            "# clouds.yaml made by django-nova for the current project. It holds no password:\n"
            "# add `password:` under auth, or better put it in a secure.yaml next to this file:\n"
            f"#   clouds: {{{self.context.cloud_key}: {{auth: {{password: ...}}}}}}\n"
            f"# Then: openstack --os-cloud {self.context.cloud_key} server list\n")
        return _yaml(header, {self.context.cloud_key: self._cloud_entry(self._who())})

    def application_credential_openrc(self, credential_id: str, secret: str) -> str:
        return (
            "#!/usr/bin/env bash\n"
            "# An OpenStack application credential, made by django-nova. Keep this file\n"
            "# private (chmod 600). Load it in bash with:  . ./app-cred-openrc\n"
            "unset OS_USERNAME OS_PASSWORD OS_USER_DOMAIN_NAME OS_USER_DOMAIN_ID OS_PROJECT_ID"
            " OS_PROJECT_NAME OS_PROJECT_DOMAIN_ID OS_PROJECT_DOMAIN_NAME OS_TENANT_ID"
            " OS_TENANT_NAME OS_CLOUD\n"
            + _shell_exports([("OS_AUTH_TYPE", "v3applicationcredential"), *self._where(),
                              ("OS_APPLICATION_CREDENTIAL_ID", credential_id),
                              ("OS_APPLICATION_CREDENTIAL_SECRET", secret)]))

    def application_credential_clouds_yaml(self, credential_id: str, secret: str) -> str:
        name = f"{self.context.cloud_key}-appcred"
        header = ("# An OpenStack application credential, made by django-nova. Keep this file\n"
                  f"# private (chmod 600). Then: openstack --os-cloud {name} server list\n")
        auth = {"application_credential_id": credential_id,
                "application_credential_secret": secret}
        return _yaml(header, {name: self._cloud_entry(auth, "v3applicationcredential")})
