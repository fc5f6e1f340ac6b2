package unicorn

/*
#include <unicorn/unicorn.h>
*/
import "C"

// Context is a saved CPU state (registers and internal metadata, not
// memory), for quick save and rollback with uc_context_save/restore.
type Context struct {
	e *Engine
	c *C.uc_context
}

// NewContext allocates a context holding the engine's current CPU state.
func (e *Engine) NewContext() (*Context, error) {
	if err := e.live("context_alloc"); err != nil {
		return nil, err
	}
	c := &Context{e: e}
	if err := check("context_alloc", C.uc_context_alloc(e.uc, &c.c)); err != nil {
		return nil, err
	}
	e.contexts[c] = struct{}{}
	if err := e.SaveContext(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// SaveContext stores the current CPU state in c.
func (e *Engine) SaveContext(c *Context) error {
	if err := e.live("context_save"); err != nil {
		return err
	}
	if c.c == nil || c.e != e {
		return &Error{Op: "context_save", Code: ErrArg, Text: "context is closed or belongs to another engine"}
	}
	return check("context_save", C.uc_context_save(e.uc, c.c))
}

// RestoreContext loads the CPU state saved in c.
func (e *Engine) RestoreContext(c *Context) error {
	if err := e.live("context_restore"); err != nil {
		return err
	}
	if c.c == nil || c.e != e {
		return &Error{Op: "context_restore", Code: ErrArg, Text: "context is closed or belongs to another engine"}
	}
	return check("context_restore", C.uc_context_restore(e.uc, c.c))
}

// Close frees the context. The engine's Close frees its contexts too.
func (c *Context) Close() error {
	if c.c == nil {
		return nil
	}
	err := check("context_free", C.uc_context_free(c.c))
	c.c = nil
	delete(c.e.contexts, c)
	return err
}
