@_exported import Spool
