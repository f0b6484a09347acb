from django.contrib.admin.apps import AdminConfig


class CxleanAdminConfig(AdminConfig):
    default_site = "cxlean.admin.CxleanAdminSite"
