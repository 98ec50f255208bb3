# SPDX-License-Identifier: LGPL-2.1-or-later
"""The cxlmi module's own tests, installed with it, so an installation can check itself:

    python3 -m unittest cxlmi_tests.test_cxlmi      (or: python3 -m pytest --pyargs cxlmi_tests)

They need no hardware: they run against the library's mock endpoint.
"""
