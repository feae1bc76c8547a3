"""The published pot and its package (defined in test_package.py), for every audit test."""

from tests.audit.test_package import published, zip_path  # noqa: F401
