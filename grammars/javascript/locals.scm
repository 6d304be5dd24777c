;; Locals (see grammars/python/locals.scm for the capture names). TypeScript inherits this file, so
;; every pattern must compile for its grammar too: a class's name is an identifier in JavaScript and a
;; type_identifier in TypeScript, a parameter an identifier or a required_parameter around one (a capture
;; that is not an identifier binds no name anyone uses).

[
  (program)
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (arrow_function)
  (method_definition)
  (statement_block)
  (for_statement)
  (for_in_statement)
  (catch_clause)
] @local.scope

(function_declaration name: (identifier) @local.definition.outer)
(generator_function_declaration name: (identifier) @local.definition.outer)
(class_declaration name: (_) @local.definition.outer)

(variable_declarator name: (identifier) @local.definition)
(object_pattern (shorthand_property_identifier_pattern) @local.definition)
(pair_pattern value: (identifier) @local.definition)
(array_pattern (identifier) @local.definition)
(formal_parameters (_) @local.definition)
(assignment_pattern left: (identifier) @local.definition)
(rest_pattern (identifier) @local.definition)
(arrow_function parameter: (identifier) @local.definition)
(for_in_statement left: (identifier) @local.definition)
(catch_clause parameter: (identifier) @local.definition)
(import_clause (identifier) @local.definition)
(namespace_import (identifier) @local.definition)
(import_specifier alias: (identifier) @local.definition)
(import_specifier . (identifier) @local.definition .)

(import_specifier name: (identifier) @local.member alias: (identifier))
(export_specifier alias: (identifier) @local.member)
