package casedesk

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorCode_FindsTheCodeThroughWrappingAndCallsOtherErrorsInternal(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"domain error", Errorf(ENOTFOUND, "no case 7"), ENOTFOUND},
		{"field error", FieldErrorf("name", "must not be empty"), EINVALID},
		{"wrapped once", fmt.Errorf("open case 7: %w", Errorf(EFORBIDDEN, "not yours")), EFORBIDDEN},
		{"wrapped twice", fmt.Errorf("handler: %w", fmt.Errorf("store: %w", Errorf(ECONFLICT, "taken"))), ECONFLICT},
		{"plain error", errors.New("disk full"), EINTERNAL},
		{"wrapped plain error", fmt.Errorf("save: %w", errors.New("disk full")), EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorMessage_ShowsDomainMessagesAndHidesInternalDetails(t *testing.T) {
	const secret = "pq: password authentication failed for user \"casedesk\" at 10.0.0.5"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"domain error", Errorf(ENOTFOUND, "There is no case 7."), "There is no case 7."},
		{"wrapped domain error drops the wrapping context", fmt.Errorf("store: find case: %w", Errorf(ENOTFOUND, "There is no case 7.")), "There is no case 7."},
		{"field error gives the message without the field", FieldErrorf("email", "is taken"), "is taken"},
		{"plain error", errors.New(secret), "An internal error occurred."},
		{"wrapped plain error", fmt.Errorf("open: %w", errors.New(secret)), "An internal error occurred."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ErrorMessage(tt.err)
			if got != tt.want {
				t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.want)
			}
			if strings.Contains(got, "password") || strings.Contains(got, "10.0.0.5") {
				t.Errorf("ErrorMessage(%v) = %q leaks internal details", tt.err, got)
			}
		})
	}
}

func TestErrorField_NamesTheFieldOfAValidationErrorOnly(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"field error", FieldErrorf("time_zone", "unknown"), "time_zone"},
		{"wrapped field error", fmt.Errorf("create user: %w", FieldErrorf("email", "is taken")), "email"},
		{"domain error without field", Errorf(ECONFLICT, "changed meanwhile"), ""},
		{"plain error", errors.New("email: bad"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorField(tt.err); got != tt.want {
				t.Errorf("ErrorField(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestError_PrefixesTheFieldWhenThereIsOne(t *testing.T) {
	if got, want := FieldErrorf("name", "must not be empty").Error(), "name: must not be empty"; got != want {
		t.Errorf("field error: Error() = %q, want %q", got, want)
	}
	if got, want := Errorf(ENOTFOUND, "no case %d", 7).Error(), "no case 7"; got != want {
		t.Errorf("plain domain error: Error() = %q, want %q", got, want)
	}
}

func TestWithKey_KeepsTheEnglishMessageAndLeavesTheOriginalAlone(t *testing.T) {
	base := FieldErrorf("role", "unknown role %q", "pilot")
	keyed := base.WithKey("error.role.unknown", map[string]any{"Role": "pilot"})
	if keyed.Code != EINVALID || keyed.Field != "role" || keyed.Message != `unknown role "pilot"` {
		t.Errorf("keyed = %+v", keyed)
	}
	if base.Key != "" || base.Args != nil {
		t.Errorf("WithKey changed its receiver: %+v", base)
	}
	wrapped := fmt.Errorf("create user: %w", keyed)
	if key, args := ErrorKey(wrapped); key != "error.role.unknown" || args["Role"] != "pilot" {
		t.Errorf("ErrorKey(wrapped) = %q, %v", key, args)
	}
	if ErrorMessage(wrapped) != `unknown role "pilot"` {
		t.Errorf("ErrorMessage(wrapped) = %q", ErrorMessage(wrapped))
	}
	if key, _ := ErrorKey(base); key != "" {
		t.Errorf("ErrorKey(unkeyed) = %q", key)
	}
	if key, _ := ErrorKey(errors.New("disk full")); key != InternalErrorKey {
		t.Errorf("ErrorKey(plain) = %q", key)
	}
	if key, _ := ErrorKey(nil); key != "" {
		t.Errorf("ErrorKey(nil) = %q", key)
	}
}

// wantFieldError checks err: nil when field is "", otherwise an EINVALID
// error naming field.
func wantFieldError(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("Validate() = %v, want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("Validate() = nil, want an error naming %q", field)
	}
	if code := ErrorCode(err); code != EINVALID {
		t.Errorf("ErrorCode = %q, want %q", code, EINVALID)
	}
	if got := ErrorField(err); got != field {
		t.Errorf("ErrorField = %q, want %q (error: %v)", got, field, err)
	}
}
