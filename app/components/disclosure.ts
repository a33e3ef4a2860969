// Enhances a native <details> disclosure (the header's menu, the account menu) once
// JavaScript runs. Without JavaScript the <details> opens and closes by itself; with
// it, the <summary> also says whether it is open (aria-expanded, which some screen
// readers announce more reliably than the native state), Escape closes it and puts
// focus back on the <summary>, and it folds after a navigation, a click elsewhere, or
// when focus leaves it.
import { useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";

export function useDisclosure() {
  const ref = useRef<HTMLDetailsElement>(null);
  const location = useLocation();

  useEffect(() => {
    const details = ref.current;
    const summary = details?.querySelector(":scope > summary");
    if (!details || !summary) return;
    const sync = () => summary.setAttribute("aria-expanded", String(details.open));
    const close = (returnFocus: boolean) => {
      if (!details.open) return;
      details.open = false;
      sync();
      if (returnFocus && summary instanceof HTMLElement) summary.focus();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !details.open) return;
      // The innermost open disclosure closes first.
      event.stopPropagation();
      close(true);
    };
    const onPointerDown = (event: PointerEvent) => {
      if (event.target instanceof Node && !details.contains(event.target)) close(false);
    };
    const onFocusOut = (event: FocusEvent) => {
      if (event.relatedTarget instanceof Node && !details.contains(event.relatedTarget)) close(false);
    };
    sync();
    details.addEventListener("toggle", sync);
    details.addEventListener("keydown", onKeyDown);
    details.addEventListener("focusout", onFocusOut);
    document.addEventListener("pointerdown", onPointerDown);
    return () => {
      details.removeEventListener("toggle", sync);
      details.removeEventListener("keydown", onKeyDown);
      details.removeEventListener("focusout", onFocusOut);
      document.removeEventListener("pointerdown", onPointerDown);
    };
  }, []);

  // A navigation from inside the menu lands on a new page: the menu folds.
  useEffect(() => {
    const details = ref.current;
    if (details?.open) {
      details.open = false;
      details.querySelector(":scope > summary")?.setAttribute("aria-expanded", "false");
    }
  }, [location.pathname, location.search]);

  return ref;
}
