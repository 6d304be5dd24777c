; inherits: javascript
;; Locals: JavaScript's, plus TypeScript's parameters, interfaces and type aliases.

(required_parameter pattern: (identifier) @local.definition)
(optional_parameter pattern: (identifier) @local.definition)
(interface_declaration name: (type_identifier) @local.definition.outer)
(type_alias_declaration name: (type_identifier) @local.definition.outer)
