// Cursor "load more" that works without JavaScript: the link goes to the next page
// (?cursor=…); with JavaScript it fetches that page's data and appends it in place.
import { useFetcher, useLocation } from "@remix-run/react";
import { useEffect, useState, type MouseEvent } from "react";

interface Page<T> {
  topics: T[];
  nextCursor: string | null;
}

function isPage<T>(value: unknown): value is Page<T> {
  return Boolean(value && typeof value === "object" && Array.isArray((value as { topics?: unknown }).topics));
}

export function useLoadMore<T extends { id: number }>(first: T[], firstCursor: string | null) {
  const location = useLocation();
  const fetcher = useFetcher();
  const [items, setItems] = useState(first);
  const [next, setNext] = useState(firstCursor);
  useEffect(() => {
    setItems(first);
    setNext(firstCursor);
  }, [first, firstCursor]);
  useEffect(() => {
    const page = fetcher.data;
    if (!isPage<T>(page) || fetcher.state !== "idle") return;
    setItems((current) => [...current, ...page.topics.filter((topic) => !current.some((c) => c.id === topic.id))]);
    setNext(page.nextCursor);
  }, [fetcher.data, fetcher.state]);
  const params = new URLSearchParams(location.search);
  if (next) params.set("cursor", next);
  const href = `${location.pathname}?${params.toString()}`;
  return {
    items,
    next,
    loading: fetcher.state !== "idle",
    loadMoreProps: {
      to: href,
      onClick: (event: MouseEvent) => {
        event.preventDefault();
        fetcher.load(href);
      },
    },
  };
}
