// Every user of the journal speaks the regulation's vocabulary (entry types, roles, risk levels, periods).
@_exported import SafeguardingRules
