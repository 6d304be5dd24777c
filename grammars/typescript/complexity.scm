; inherits: javascript
;; TypeScript has the same decision points as JavaScript.
